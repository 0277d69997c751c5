using Filecheck.Dashboard.Data;
using System.Collections.Concurrent;
using Filecheck.Api;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Live;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>
/// The shared watcher against a real sandbox over HTTP. One fake clock drives both: the sandbox's running job advances
/// and the watcher's poll interval elapses only when the test moves time, so the counts are exact.
/// </summary>
public sealed class JobWatcherTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TimerCountingClock _watcherClock = default!;
    private SandboxServer _sandbox = default!;
    private ServiceProvider _services = default!;
    private JobWatcher _watcher = default!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 20, Clock = _clock, NewJobEvery = null, RunningJobs = 0 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Filecheck:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["Filecheck:ApiKey"] = _sandbox.ApiKey,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddFilecheckClient(configuration);
        _services = services.BuildServiceProvider();
        _watcherClock = new TimerCountingClock(_clock);
        _watcher = new JobWatcher(
            _services.GetRequiredService<IServiceScopeFactory>(), _watcherClock,
            Options.Create(new JobWatcherOptions { MinInterval = TimeSpan.FromSeconds(1), MaxInterval = TimeSpan.FromSeconds(10) }),
            NullLogger<JobWatcher>.Instance, new NoJobHistory(),
            new LeaseKeeper(new SingleInstanceLeaseStore(Options.Create(new LeaseOptions()), TimeProvider.System), Options.Create(new LeaseOptions()),
                TimeProvider.System, NullLogger<LeaseKeeper>.Instance, SingleInstance.Metrics),
            new InMemoryStoreBus(NullLogger<InMemoryStoreBus>.Instance));
    }

    public async Task DisposeAsync()
    {
        _watcher.Dispose();
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_FiftyCircuitsOnOneRunningJob_OneUpstreamRequestPerIntervalUntilTerminal()
    {
        var id = JobId.Parse(_sandbox.Jobs.CreateRunningJob(files: 2, stepDuration: TimeSpan.FromSeconds(3)));
        var path = "/jobs/" + id.Value;
        var received = new ConcurrentDictionary<int, List<JobUpdate>>();
        var subscriptions = Enumerable.Range(0, 50).Select(i =>
        {
            received[i] = [];
            return _watcher.Subscribe(id, u => { lock (received[i]) received[i].Add(u); return Task.CompletedTask; });
        }).ToList();
        Assert.Equal(1, _watcher.ActiveWatches);

        // Subscriber 0 leaves after the first update; the others stay to the end.
        var polls = 0;
        while (polls < 60)
        {
            await AdvanceUntilAsync(() => received[1].Count > polls, step: TimeSpan.FromSeconds(1));
            polls = received[1].Count;
            if (polls == 1) subscriptions[0].Dispose();
            if (Last(received[1]).Job?.IsTerminal == true) break;
        }

        Assert.True(Last(received[1]).Job!.IsTerminal, "the watcher should deliver the terminal state");
        Assert.Equal(polls, _sandbox.Requests.Count(path));
        Assert.All(Enumerable.Range(1, 49), i => Assert.Equal(polls, received[i].Count));
        Assert.Single(received[0]);
        Assert.Equal(0, _watcher.ActiveWatches);

        // Terminal: however far time moves, nobody polls again (given time to, if it wrongly would).
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await EventuallyAsync(() => _sandbox.Requests.Count(path) != polls), "a poll after the terminal state");
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Subscribe_AllSubscribersLeave_PollingStops()
    {
        var id = JobId.Parse(_sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMinutes(10)));
        var updates = 0;
        var subscription = _watcher.Subscribe(id, _ => { Interlocked.Increment(ref updates); return Task.CompletedTask; });
        await AdvanceUntilAsync(() => Volatile.Read(ref updates) >= 1);

        subscription.Dispose();

        Assert.Equal(0, _watcher.ActiveWatches);
        var before = _sandbox.Requests.Count("/jobs/" + id.Value);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await EventuallyAsync(() => _sandbox.Requests.Count("/jobs/" + id.Value) != before), "a poll after the last subscriber left");
        Assert.Equal(1, Volatile.Read(ref updates));
    }

    [Fact]
    public async Task Subscribe_JobUnchanged_BacksOffFromOneSecondToTen()
    {
        var id = JobId.Parse(_sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromHours(1)));
        var times = new ConcurrentQueue<DateTimeOffset>();
        using var subscription = _watcher.Subscribe(id, u => { times.Enqueue(u.At); return Task.CompletedTask; });

        while (true)
        {
            // The clock moves only while the watcher waits for its next poll, never while one is in flight.
            await WaitForAsync(() => _watcherClock.Waiting, "the watcher to finish its poll and wait for the next");
            if (times.Count >= 7) break;
            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        // The first poll changes what the watcher knew (nothing); after that the job sits still and the pace halves.
        Assert.True(gaps.Zip(gaps.Skip(1)).All(p => p.Second >= p.First), string.Join(", ", gaps));
        Assert.InRange(gaps.Last(), 9.5, 10.5);
    }

    [Fact]
    public async Task Subscribe_IntervalsFromJobsWatcherSettings_PollsNoFasterThanTheMinAndBacksOffToTheMax()
    {
        // The watcher as the dashboard builds it: its intervals bound from configuration, not set by the test.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Filecheck:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["Filecheck:ApiKey"] = _sandbox.ApiKey,
            ["Jobs:Watcher:MinInterval"] = "00:00:03",
            ["Jobs:Watcher:MaxInterval"] = "00:00:06",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddFilecheckClient(configuration);
        services.AddJobs(configuration);
        await using var provider = services.BuildServiceProvider();
        // Only the watcher on the counting clock, so that its count is of the watcher's own delays.
        var clock = new TimerCountingClock(_clock);
        var watcher = ActivatorUtilities.CreateInstance<JobWatcher>(provider, clock);
        var id = JobId.Parse(_sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromHours(1)));
        var times = new ConcurrentQueue<DateTimeOffset>();
        var subscription = watcher.Subscribe(id, u => { times.Enqueue(u.At); return Task.CompletedTask; });

        while (true)
        {
            await WaitForAsync(() => clock.Waiting, "the watcher to finish its poll and wait for the next");
            if (times.Count >= 6) break;
            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        subscription.Dispose();
        watcher.Dispose();
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        Assert.True(gaps.All(g => g >= 2.9), "a poll sooner than Jobs:Watcher:MinInterval: " + string.Join(", ", gaps));
        Assert.InRange(gaps.Last(), 5.9, 6.6);
    }

    /// <summary>Waits in real time (bounded) for a condition the watcher's own work makes true.</summary>
    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 30 s for {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>The fake clock as the watcher sees it; it knows whether a poll delay is armed and has not fired yet.</summary>
    private sealed class TimerCountingClock(FakeTimeProvider inner) : TimeProvider
    {
        private int _created;
        private int _fired;

        /// <summary>The watcher sits in its delay: every poll it started has finished and armed the next delay.</summary>
        public bool Waiting => Volatile.Read(ref _created) - Volatile.Read(ref _fired) == 1;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _created);
            return inner.CreateTimer(s =>
            {
                Interlocked.Increment(ref _fired);
                callback(s);
            }, state, dueTime, period);
        }
    }

    private static JobUpdate Last(List<JobUpdate> updates)
    {
        lock (updates) return updates[^1];
    }

    /// <summary>Moves the fake clock in small steps until the condition holds (real time bounded).</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s of real time");
            _clock.Advance(step ?? TimeSpan.FromMilliseconds(250));
            // Let the poll that the clock released run over real HTTP before moving again.
            await WaitBrieflyForAsync(condition);
        }
    }

    /// <summary>Whether the condition comes true within a second of real time (for things that must not happen).</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }

    private static async Task WaitBrieflyForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(300);
        while (!condition() && DateTime.UtcNow < until) await Task.Delay(5);
    }
}
