using Filecheck.Api;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Live;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The job page's live part without rendering: a real sandbox and watcher, a fake clock.</summary>
public sealed class JobLiveViewTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SandboxServer _sandbox = default!;
    private ServiceProvider _services = default!;
    private AsyncServiceScope _scope;
    private int _draws;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 20, Clock = _clock, NewJobEvery = null, RunningJobs = 0 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Filecheck:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["Filecheck:ApiKey"] = _sandbox.ApiKey,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_clock);
        services.AddFilecheckClient(configuration);
        services.AddJobs(configuration);
        _services = services.BuildServiceProvider();
        _scope = _services.CreateAsyncScope();
    }

    private JobLiveView NewView() => new(
        _scope.ServiceProvider.GetRequiredService<JobLookupService>(), _services.GetRequiredService<JobWatcher>(), _clock,
        change =>
        {
            change();
            Interlocked.Increment(ref _draws);
            return Task.CompletedTask;
        });

    private JobWatcher Watcher => _services.GetRequiredService<JobWatcher>();

    [Fact]
    public async Task Watch_RunningJob_TicksEverySecondAndTakesTheWatchersUpdates()
    {
        var id = _sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMinutes(10));
        using var view = NewView();
        await view.OpenAsync(id);
        Assert.True(view.IsLive);
        var firstFetch = view.Load!.View!.FetchedAt;

        view.Watch();
        Assert.True(view.IsWatching);
        Assert.Equal(1, Watcher.ActiveWatches);

        // The ticker redraws once a second of the page's clock, polls or no polls.
        var before = Volatile.Read(ref _draws);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await UntilAsync(() => view.Load!.View!.FetchedAt > firstFetch);
        Assert.True(Volatile.Read(ref _draws) >= before + 2, "a tick and an update should each redraw");
        Assert.Equal(_clock.GetUtcNow(), view.Load!.View!.FetchedAt);
        Assert.Null(view.LiveProblem);
    }

    [Fact]
    public async Task TogglePause_WhileWatching_StopsPollingAndTicking()
    {
        var id = _sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMinutes(10));
        using var view = NewView();
        await view.OpenAsync(id);
        view.Watch();

        view.TogglePause();

        Assert.True(view.Paused);
        Assert.False(view.IsWatching);
        Assert.Equal(0, Watcher.ActiveWatches);
        var draws = Volatile.Read(ref _draws);
        var polls = _sandbox.Requests.Count("/jobs/" + id);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(draws, Volatile.Read(ref _draws));
        Assert.Equal(polls, _sandbox.Requests.Count("/jobs/" + id));
        // Paused stays paused: the page's render does not start it again.
        view.Watch();
        Assert.False(view.IsWatching);

        view.TogglePause();
        view.Watch();
        Assert.True(view.IsWatching);
    }

    [Fact]
    public async Task OpenAsync_AnotherJobWhileTheFirstIsLoading_ShowsOnlyTheSecond()
    {
        _sandbox.Faults.Latency = TimeSpan.FromMilliseconds(400);
        using var view = NewView();

        var first = view.OpenAsync(WellKnownJobs.Failing);
        var second = view.OpenAsync(WellKnownJobs.Passing);
        await Task.WhenAll(first, second);

        Assert.Equal(WellKnownJobs.Passing, view.Load!.View!.Job.Id);
    }

    [Fact]
    public async Task OpenAsync_TerminalJob_IsNotWatched()
    {
        using var view = NewView();
        await view.OpenAsync(WellKnownJobs.Passing);

        view.Watch();

        Assert.False(view.IsLive);
        Assert.False(view.IsWatching);
        Assert.Equal(0, Watcher.ActiveWatches);
    }

    [Fact]
    public async Task Dispose_WhileWatching_LeavesTheWatcher()
    {
        var id = _sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMinutes(10));
        var view = NewView();
        await view.OpenAsync(id);
        view.Watch();

        view.Dispose();

        Assert.Equal(0, Watcher.ActiveWatches);
    }

    /// <summary>Moves the fake clock a second at a time until the condition holds (real time bounded).</summary>
    private async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s of real time");
            var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(300);
            while (!condition() && DateTime.UtcNow < until) await Task.Delay(5);
            if (!condition()) _clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    public async Task DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }
}
