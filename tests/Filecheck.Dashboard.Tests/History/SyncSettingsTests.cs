using System.Diagnostics;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// The sync's settings as the README states them, each through a real run against the sandbox over HTTP: retention by
/// <c>History:Retention:StepDetailsAge</c>, the budget (<c>MaxDetailsPerRun</c>, <c>RequestsPerMinute</c>), the interval
/// and the back-off of the background loop, and "Sync now".
/// </summary>
public sealed class SyncSettingsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task RunOnce_StepDetailsAgeSet_PrunesTheStepsOfOlderJobsOnly_AndKeepsEveryJob()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:Retention:StepDetailsAge"] = "30.00:00:00");

        var run = await host.Get<HistorySyncRunner>().RunOnceAsync();

        Assert.True(run.Completed, run.Failure?.Message);
        Assert.True(run.Pruned > 0, "no job older than 30 days had its steps pruned");
        var cutoff = DateTimeOffset.UtcNow.AddDays(-30);
        var jobs = await host.QueryAsync(db => db.Jobs.Select(j => new { j.Id, j.CreatedAt, j.StepsPrunedAt, Steps = db.Set<StepRecord>().Count(s => s.JobId == j.Id) }).ToListAsync());
        Assert.Equal(run.Listed, jobs.Count);
        // A day of slack around the cutoff: the sandbox's clock and this one are not the same instant.
        Assert.All(jobs.Where(j => j.CreatedAt < cutoff.AddDays(-1)), j => Assert.Equal((0, true), (j.Steps, j.StepsPrunedAt is not null)));
        Assert.Contains(jobs, j => j.CreatedAt > cutoff.AddDays(1) && j.Steps > 0);
        Assert.All(jobs.Where(j => j.CreatedAt > cutoff.AddDays(1)), j => Assert.Null(j.StepsPrunedAt));
    }

    [Fact]
    public async Task RunOnce_MaxDetailsPerRun_FetchesAtMostThatManyDetails_TheRestNextRun()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:Sync:MaxDetailsPerRun"] = "7");

        var first = await host.Get<HistorySyncRunner>().RunOnceAsync();
        var afterFirst = await host.QueryAsync(db => db.Jobs.CountAsync(j => j.HasDetails));
        var second = await host.Get<HistorySyncRunner>().RunOnceAsync();

        Assert.True(first.Completed && second.Completed);
        Assert.Equal((7, 7), (first.DetailsFetched, afterFirst));
        Assert.Equal(7, second.DetailsFetched);
        Assert.Equal(14, await host.QueryAsync(db => db.Jobs.CountAsync(j => j.HasDetails)));
    }

    [Fact]
    public async Task RunOnce_RequestsPerMinute_PacesTheRequestsToFilecheck()
    {
        using var temp = new TempStore();
        // 240 a minute is 4 a second: 3 list pages and 12 details cannot all go out in under (15 - 4) / 4 seconds.
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s =>
        {
            s["History:Sync:RequestsPerMinute"] = "240";
            s["History:Sync:MaxDetailsPerRun"] = "12";
        });
        sandbox.Server.Requests.Reset();
        var clock = Stopwatch.StartNew();

        var run = await host.Get<HistorySyncRunner>().RunOnceAsync();

        Assert.True(run.Completed, run.Failure?.Message);
        var requests = sandbox.Server.Requests.Total;
        Assert.True(requests >= 15, $"{requests} requests");
        // A lower bound only: a slow machine is never faster than the budget allows.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds((requests - 4) / 4.0 - 0.5), $"{requests} requests in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The background loop on a fake clock, with the host's real runner and store.</summary>
    private static HistorySync Loop(HistoryHost host, FakeTimeProvider clock, TimeSpan interval) => new(
        host.Get<HistorySyncRunner>(), host.Get<StoreMigrator>(), host.SyncState, host.Get<HistorySyncStatus>(),
        Options.Create(new HistoryOptions { Sync = new HistorySyncOptions { Enabled = true, Interval = interval, MaxBackoff = TimeSpan.FromMinutes(10) } }),
        clock, NullLogger<HistorySync>.Instance, host.Get<LeaseKeeper>(), host.Get<IStoreBus>());

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) throw new TimeoutException("Still waiting for: " + what);
            await Task.Yield();
            await Task.Delay(20, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Background_AfterAGoodRun_WaitsTheInterval_AndSyncNowStartsOneAtOnce()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:Sync:MaxDetailsPerRun"] = "0");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var status = host.Get<HistorySyncStatus>();
        using var loop = Loop(host, clock, TimeSpan.FromMinutes(5));

        await loop.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => status.NextRunAt is not null, "the first run");
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(5), status.NextRunAt);
            var firstEnded = status.EndedAt;

            // The interval on the loop's clock: the next run starts when it has passed.
            clock.Advance(TimeSpan.FromMinutes(5));
            await UntilAsync(() => status.EndedAt != firstEnded && status.NextRunAt == clock.GetUtcNow() + TimeSpan.FromMinutes(5), "the run after the interval");

            // "Sync now": a run at once, the clock standing still.
            var secondEnded = status.EndedAt;
            loop.RunNow();
            await UntilAsync(() => status.EndedAt != secondEnded, "the run Sync now asked for");
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(5), status.NextRunAt);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Background_FilecheckDown_BacksOffFromATenthOfTheIntervalDoubling()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["Filecheck:MaxRetries"] = "0");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var status = host.Get<HistorySyncStatus>();
        using var loop = Loop(host, clock, TimeSpan.FromMinutes(5));
        sandbox.Server.Faults.Always(SandboxFault.Unavailable);
        try
        {
            await loop.StartAsync(CancellationToken.None);
            await UntilAsync(() => status.NextRunAt is not null, "the first (failing) run");
            Assert.False(status.LastResult!.Completed);
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(30), status.NextRunAt);

            var first = status.NextRunAt;
            clock.Advance(TimeSpan.FromSeconds(30));
            await UntilAsync(() => status.NextRunAt != first, "the second (failing) run");
            Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(60), status.NextRunAt);
        }
        finally
        {
            sandbox.Server.Faults.Clear();
            await loop.StopAsync(CancellationToken.None);
        }
    }
}
