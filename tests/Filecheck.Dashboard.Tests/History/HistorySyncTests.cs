using Filecheck.Dashboard.Tests.Support;
using System.Diagnostics;
using Filecheck.Dashboard.History;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.Tests.History;

public sealed class HistorySyncTests(LargeSandboxFixture sandbox) : IClassFixture<LargeSandboxFixture>
{
    [Fact]
    public async Task RunOnce_TwentyThousandJobs_LandsEachExactlyOnce_AndASecondRunAddsNothing()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:Sync:MaxDetailsPerRun"] = "300");
        var total = sandbox.Server.Jobs.Count;
        Assert.True(total > 20_000);

        var first = await host.Get<HistorySyncRunner>().RunOnceAsync();

        Assert.True(first.Completed, first.Failure?.Message);
        Assert.Equal(total, first.Added);
        Assert.Equal(total, await host.QueryAsync(db => db.Jobs.CountAsync()));
        // One first-sight snapshot per job: a job stored twice would have two.
        Assert.Equal(total, await host.QueryAsync(db => db.Snapshots.CountAsync()));
        Assert.Equal(0, await host.QueryAsync(db => db.Snapshots.GroupBy(s => s.JobId).CountAsync(g => g.Count() > 1)));
        Assert.Equal(300, first.DetailsFetched);
        var detailed = await host.QueryAsync(db => db.Jobs.Where(j => j.HasDetails).Select(j => j.Id).ToListAsync());
        Assert.Equal(300, detailed.Count);
        var sample = detailed[^1];
        var expectedSteps = sandbox.Server.Jobs.Get(sample)!.Tasks!.Sum(t => t.Steps!.Count);
        Assert.Equal(expectedSteps, await host.QueryAsync(db => db.Steps.CountAsync(s => s.JobId == sample)));
        var state = await host.SyncState.GetAsync();
        Assert.True(state.BackfillDone);
        Assert.Null(state.BackfillNextKey);

        sandbox.Server.Requests.Reset();
        var second = await host.Get<HistorySyncRunner>().RunOnceAsync();

        Assert.True(second.Completed, second.Failure?.Message);
        Assert.Equal(0, second.Added);
        Assert.Equal(1, second.Pages); // the head pass stops at what the store holds
        Assert.Equal(1, sandbox.Server.Requests.Count("/jobs"));
        Assert.Equal(total, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(total, await host.QueryAsync(db => db.Snapshots.CountAsync()));
        Assert.Equal(expectedSteps, await host.QueryAsync(db => db.Steps.CountAsync(s => s.JobId == sample)));
    }

    [Fact]
    public async Task RunOnce_KilledWithSigkillMidSync_DatabaseOpensCleanly_AndTheNextStartCompletesTheSync()
    {
        using var temp = new TempStore();
        var total = sandbox.Server.Jobs.Count;
        var pagesInAll = (total + 99) / 100;

        using (var worker = StartWorker(temp.File))
        {
            // Kill it the moment it reports its 30th stored page: far from the end of ~200 pages.
            string? line;
            while ((line = await worker.StandardOutput.ReadLineAsync()) is not null && line != "page 30")
            {
                Assert.False(line.StartsWith("done", StringComparison.Ordinal), "the worker finished before it could be killed");
            }
            Assert.Equal("page 30", line);
            worker.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup, no finally blocks
            await worker.WaitForExitAsync();
            Assert.NotEqual(0, worker.ExitCode);
        }

        int stored;
        await using (var connection = new SqliteConnection(DataSetup.ConnectionString(temp.File)))
        {
            await connection.OpenAsync();
            Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check;"));
            Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
            stored = int.Parse(await ScalarAsync(connection, "SELECT COUNT(*) FROM Jobs;"));
            var cursor = await ScalarAsync(connection, "SELECT BackfillNextKey FROM SyncState WHERE Id = 1;");
            Assert.InRange(stored, 30 * 100, total - 1);
            Assert.False(string.IsNullOrEmpty(cursor));
        }
        SqliteConnection.ClearAllPools();

        sandbox.Server.Requests.Reset();
        using (var again = StartWorker(temp.File))
        {
            var output = await again.StandardOutput.ReadToEndAsync();
            await again.WaitForExitAsync();
            Assert.True(again.ExitCode == 0, output + await again.StandardError.ReadToEndAsync());
            Assert.Contains("done", output);
        }

        // Resumed from the stored cursor instead of starting over: a few head pages, then only what was missing.
        Assert.InRange(sandbox.Server.Requests.Count("/jobs"), pagesInAll - stored / 100, pagesInAll - stored / 100 + 3);
        await using (var connection = new SqliteConnection(DataSetup.ConnectionString(temp.File)))
        {
            await connection.OpenAsync();
            Assert.Equal(total.ToString(), await ScalarAsync(connection, "SELECT COUNT(*) FROM Jobs;"));
            Assert.Equal(total.ToString(), await ScalarAsync(connection, "SELECT COUNT(*) FROM Snapshots;"));
            Assert.Equal("1", await ScalarAsync(connection, "SELECT BackfillDone FROM SyncState WHERE Id = 1;"));
        }
        SqliteConnection.ClearAllPools();
    }

    private Process StartWorker(string databaseFile)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     HistoryWorker.Dll(), "--db", databaseFile, "--base-url", sandbox.Server.BaseAddress.ToString(),
                     "--api-key", sandbox.Server.ApiKey, "--page-size", "100", "--max-details", "0",
                 })
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private static async Task<string> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
