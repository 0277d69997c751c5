using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Tests.Jobs;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The lookups audit on PostgreSQL: by the user's stable ID, kept for a set age (each test on a fresh database).</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class AuditPostgresTests(AuditTests.Sandbox sandbox) : AuditEngineTests(sandbox), IClassFixture<AuditTests.Sandbox>
{
    protected override bool OnPostgres => true;
}

/// <summary>The audit on a real SQLite file: by the user's stable ID with the name beside it, indexed, kept for a set age.</summary>
public sealed class AuditTests(AuditTests.Sandbox sandbox) : AuditEngineTests(sandbox), IClassFixture<AuditTests.Sandbox>
{
    public sealed class Sandbox : IAsyncLifetime
    {
        public SandboxServer Server { get; private set; } = null!;
        public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 20, NewJobEvery = null });
        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    protected override bool OnPostgres => false;

    [Fact]
    public async Task RecentLookups_Query_UsesTheUserIndex()
    {
        await using var db = await EngineStore.NewAsync(OnPostgres);
        await using var host = await StartAsync(db);
        await LookUpAsync(host, WellKnownJobs.Passing, UserLimitTests.Person("oid-1", "One"));

        var plan = await host.QueryAsync(async d =>
        {
            var connection = d.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // The shape of LookupAudit.RecentLookupsAsync's query.
            var body = "SELECT JobId, At FROM Lookups WHERE UserId = 'oid-1' AND Action = 'lookup' AND Result NOT LIKE 'failed%' ORDER BY Id DESC LIMIT 40";
            command.CommandText = "EXPLAIN QUERY PLAN " + body;
            var steps = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) steps.Add(reader.GetString(3));
            return string.Join(" | ", steps);
        });

        Assert.Contains("IX_Lookups_UserId_Action_Id", plan);
    }

    [Fact]
    public void Retention_DefaultAYear_NonPositiveNamesTheKey()
    {
        Assert.Equal(TimeSpan.FromDays(365), new HistoryOptions().Retention.AuditAge);
        var options = new HistoryOptions();
        options.Retention.AuditAge = TimeSpan.Zero;

        var result = new HistoryOptionsValidator().Validate(null, options);

        Assert.Contains("History:Retention:AuditAge", result.FailureMessage);
    }
}

/// <summary>The lookups audit's tests on either engine, each on its own new store.</summary>
public abstract class AuditEngineTests(AuditTests.Sandbox sandbox)
{
    private readonly SandboxServer _sandbox = sandbox.Server;

    /// <summary>True for the PostgreSQL variant.</summary>
    protected abstract bool OnPostgres { get; }

    /// <summary>A history host on <paramref name="store"/> with <paramref name="change"/> to its settings.</summary>
    protected Task<HistoryHost> StartAsync(EngineStore store, Action<Dictionary<string, string?>>? change = null) =>
        HistoryHost.StartAsync(_sandbox, store.File, s => { store.On(s); change?.Invoke(s); });

    protected static async Task LookUpAsync(HistoryHost host, string jobId, System.Security.Claims.ClaimsPrincipal user)
    {
        await using var scope = host.Services.CreateAsyncScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<JobLookupService>().LoadAsync(jobId, user)).Problem);
    }

    [Fact]
    public async Task Lookup_ByTwoNamesakes_AuditedByObjectId_RecentLookupsKeptApart()
    {
        await using var db = await EngineStore.NewAsync(OnPostgres);
        await using var host = await StartAsync(db);
        var first = UserLimitTests.Person("7f3c-first", "Sam Smith");
        var second = UserLimitTests.Person("9a1d-second", "Sam Smith");

        await LookUpAsync(host, WellKnownJobs.Passing, first);
        await LookUpAsync(host, WellKnownJobs.Failing, second);

        var rows = await host.QueryAsync(d => d.Lookups.OrderBy(l => l.Id).Select(l => new { l.UserId, l.UserName, l.Action }).ToListAsync());
        Assert.Equal([("7f3c-first", "Sam Smith", "lookup"), ("9a1d-second", "Sam Smith", "lookup")], rows.Select(r => (r.UserId, r.UserName, r.Action)));
        var history = host.Get<IJobHistory>();
        Assert.Equal([WellKnownJobs.Passing], (await history.RecentLookupsAsync("7f3c-first", 8, default)).Select(r => r.JobId));
        Assert.Equal([WellKnownJobs.Failing], (await history.RecentLookupsAsync("9a1d-second", 8, default)).Select(r => r.JobId));
    }

    [Fact]
    public async Task Sync_AuditOlderThanTheRetention_IsDeleted_NewerKept()
    {
        await using var db = await EngineStore.NewAsync(OnPostgres);
        await using var host = await StartAsync(db, s => s["History:Retention:AuditAge"] = "30.00:00:00");
        var now = DateTimeOffset.UtcNow;
        await host.QueryAsync(async d =>
        {
            for (var i = 0; i < 3; i++)
            {
                d.Lookups.Add(new LookupRecord { JobId = "job_old_" + i, UserId = "oid-1", UserName = "One", Result = "fresh", At = now.AddDays(-31 - i) });
            }
            d.Lookups.Add(new LookupRecord { JobId = "job_recent", UserId = "oid-1", UserName = "One", Result = "fresh", At = now.AddDays(-29) });
            return await d.SaveChangesAsync();
        });

        var run = await host.NewRunner().RunOnceAsync();

        Assert.True(run.Completed, run.Failure?.ToString());
        Assert.Equal(["job_recent"], await host.QueryAsync(d => d.Lookups.Select(l => l.JobId).ToListAsync()));
    }
}
