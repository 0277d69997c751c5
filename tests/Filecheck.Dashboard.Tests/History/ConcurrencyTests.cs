using Filecheck.Dashboard.Tests.Support;
using System.Net;
using Filecheck.Dashboard.History;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.Tests.History;

public sealed class ConcurrencyTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task TwentyWorkers_LookupsSyncAndWebhooksOnTheSameJobs_LoseAndDuplicateNothing()
    {
        using var temp = new TempStore();
        // CacheAge 0: every lookup asks Filecheck and writes through, so all three paths write the same rows.
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:CacheAge"] = "00:00:00");
        var ids = await ListIdsAsync(host, 40);
        const int lookupWorkers = 8, webhookWorkers = 6, syncWorkers = 6;
        using var start = new SemaphoreSlim(0, 20);

        var workers = new List<Task>();
        for (var w = 0; w < lookupWorkers; w++)
        {
            var user = "user-" + w;
            var order = Shuffled(ids, w);
            workers.Add(Task.Run(async () =>
            {
                await start.WaitAsync();
                foreach (var id in order)
                {
                    var load = await host.LookUpAsync(id, user);
                    Assert.True(load.View is not null, load.Problem?.Detail);
                }
            }));
        }
        for (var w = 0; w < webhookWorkers; w++)
        {
            var order = Shuffled(ids, 100 + w);
            workers.Add(Task.Run(async () =>
            {
                await start.WaitAsync();
                foreach (var id in order)
                {
                    using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed(id)));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }));
        }
        for (var w = 0; w < syncWorkers; w++)
        {
            // Each its own runner, as separate sync processes would be: only the store is shared.
            var runner = host.NewRunner();
            workers.Add(Task.Run(async () =>
            {
                await start.WaitAsync();
                var result = await runner.RunOnceAsync();
                Assert.True(result.Completed, result.Failure?.Message);
            }));
        }
        start.Release(lookupWorkers + webhookWorkers + syncWorkers);
        await Task.WhenAll(workers);

        var total = sandbox.Server.Jobs.Count;
        Assert.Equal(total, await host.QueryAsync(db => db.Jobs.CountAsync()));
        // The clock stands still, so each job was seen in one state: exactly one snapshot each.
        Assert.Equal(total, await host.QueryAsync(db => db.Snapshots.CountAsync()));
        Assert.Equal(lookupWorkers * ids.Count, await host.QueryAsync(db => db.Lookups.CountAsync()));
        for (var w = 0; w < lookupWorkers; w++)
        {
            var user = "user-" + w;
            Assert.Equal(ids.Count, await host.QueryAsync(db => db.Lookups.Where(l => l.UserName == user).Select(l => l.JobId).Distinct().CountAsync()));
        }
        foreach (var id in ids)
        {
            var real = sandbox.Server.Jobs.Get(id)!;
            Assert.Equal(real.Tasks!.Count, await host.QueryAsync(db => db.Tasks.CountAsync(t => t.JobId == id)));
            Assert.Equal(real.Tasks!.Sum(t => t.Steps!.Count), await host.QueryAsync(db => db.Steps.CountAsync(s => s.JobId == id)));
            var row = await host.QueryAsync(db => db.Jobs.SingleAsync(j => j.Id == id));
            Assert.Equal(real.Status, row.Status);
            Assert.Equal(real.Outcome, row.Outcome);
            Assert.True(row.HasDetails);
        }
        await using var connection = new SqliteConnection(DataSetup.ConnectionString(temp.File));
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await check.ExecuteScalarAsync());
    }

    private static async Task<List<string>> ListIdsAsync(HistoryHost host, int count)
    {
        var page = await host.Get<Filecheck.Api.IFilecheckClient>().ListJobsAsync(100);
        Assert.True(page.IsSuccess);
        // Finished jobs from the middle of the list: the ones all three paths fetch in full.
        return page.Value.Jobs.Where(j => j.IsTerminal).Skip(10).Take(count).Select(j => j.Id).ToList();
    }

    private static List<string> Shuffled(List<string> ids, int seed)
    {
        var random = new Random(seed);
        return ids.OrderBy(_ => random.Next()).ToList();
    }
}
