using Filecheck.Api;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// The history sync over real HTTP, throttled by Filecheck until its own breaker opens: a person's lookup through the
/// same dashboard is still answered, because the sync goes through the background client and its own pipeline.
/// </summary>
public sealed class SyncIsolationTests
{
    [Fact]
    public async Task SyncThrottledUntilItsBreakerOpens_StaffLookupStillAnswered()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 20, NewJobEvery = null });
        using var db = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox, db.File);
        // Beyond the call's budget: each 429 is handed back at once, and each run stops at its first page.
        sandbox.Faults.RetryAfterSeconds = 120;
        sandbox.Faults.Always(SandboxFault.RateLimited);
        var runner = host.NewRunner();
        for (var i = 0; i < 12; i++) Assert.False((await runner.RunOnceAsync()).Completed);
        sandbox.Faults.Clear();

        var sync = await runner.RunOnceAsync();
        var lookup = await host.LookUpAsync(WellKnownJobs.Passing, "staff-oid");

        // The sync's breaker is open: it waits, as a throttled background job should...
        Assert.Equal(FilecheckFailureKind.Unavailable, sync.Failure?.Kind);
        Assert.Contains("circuit open", sync.Failure!.Message);
        // ...and staff are not locked out by it (one shared breaker answered "circuit open" here too).
        Assert.Null(lookup.Problem);
        Assert.Equal(WellKnownJobs.Passing, lookup.View?.Job.Id);
    }
}
