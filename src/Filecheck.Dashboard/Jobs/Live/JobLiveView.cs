using Filecheck.Api;

namespace Filecheck.Dashboard.Jobs.Live;

/// <summary>
/// The live part of the job page, without the page: which job is loaded, one load at a time (a newer one cancels the
/// older, which then changes nothing), the watcher's updates while the job runs, the one-second ticker that moves the
/// "running for" clock and the growing bars between polls, and pause.
/// </summary>
/// <param name="dispatch">
/// Runs a change of state where the page may read it and redraws after it (the page passes its <c>InvokeAsync</c>);
/// updates and ticks arrive on other threads.
/// </param>
public sealed class JobLiveView(JobLookupService lookup, JobWatcher watcher, TimeProvider clock, Func<Action, Task> dispatch) : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private CancellationTokenSource? _loading;
    private IDisposable? _subscription;
    private ITimer? _ticker;
    private string _id = "";

    public JobLoad? Load { get; private set; }
    public bool Paused { get; private set; }
    /// <summary>Why the last live update failed, in words; null once one succeeds.</summary>
    public string? LiveProblem { get; private set; }
    public bool IsLive => Load?.View is { Job.IsTerminal: false };
    public bool IsWatching => _subscription is not null;

    /// <summary>Shows another job: forgets the last one (its watch, pause and problem) and loads this one.</summary>
    public Task OpenAsync(string id)
    {
        StopWatching();
        _id = id;
        Paused = false;
        LiveProblem = null;
        Load = null;
        return LoadAsync(refresh: false);
    }

    /// <summary>Asks Filecheck again (the Refresh and Try again buttons); a live job is watched again by <see cref="Watch"/>.</summary>
    public Task ReloadAsync()
    {
        StopWatching();
        LiveProblem = null;
        return LoadAsync(refresh: true);
    }

    /// <summary>Starts watching a running job unless paused or already watching; the page calls it after each render.</summary>
    public void Watch()
    {
        if (!IsLive || Paused || _subscription is not null || !JobId.TryParse(_id, out var id, out _)) return;
        _subscription = watcher.Subscribe(id, OnUpdateAsync);
        _ticker ??= clock.CreateTimer(_ => _ = TickAsync(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void TogglePause()
    {
        Paused = !Paused;
        if (Paused) StopWatching();
    }

    private async Task LoadAsync(bool refresh)
    {
        _loading?.Cancel();
        var loading = _loading = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        var id = _id;
        try
        {
            var load = await lookup.LoadAsync(id, userName: null, loading.Token, refresh);
            if (!loading.IsCancellationRequested && id == _id) Load = load;
        }
        catch (OperationCanceledException) when (loading.IsCancellationRequested)
        {
        }
    }

    private Task OnUpdateAsync(JobUpdate update) => dispatch(() =>
    {
        if (Paused || Load?.View is not { } view || view.Job.Id != _id) return;
        if (update.Job is { } job && job.Id == view.Job.Id)
        {
            Load = JobLoad.Ok(view with { Job = job, FetchedAt = update.At });
            LiveProblem = null;
            if (job.IsTerminal) StopWatching();
        }
        else if (update.Failure is { } failure)
        {
            LiveProblem = JobProblem.From(failure).Title;
        }
    });

    private async Task TickAsync()
    {
        try
        {
            await dispatch(() => { });
        }
        catch (ObjectDisposedException)
        {
            // The page went away between two ticks.
        }
    }

    private void StopWatching()
    {
        _subscription?.Dispose();
        _subscription = null;
        _ticker?.Dispose();
        _ticker = null;
    }

    public void Dispose()
    {
        StopWatching();
        _disposed.Cancel();
        _disposed.Dispose();
        _loading?.Dispose();
    }
}
