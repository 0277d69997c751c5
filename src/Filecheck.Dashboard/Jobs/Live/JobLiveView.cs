using Filecheck.Api;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Live;

/// <summary>
/// The live part of the job page, without the page: which job is loaded, one load at a time (a newer one cancels the
/// older, which then changes nothing), the watcher's updates while the job runs, the one-second ticker that moves the
/// "running for" clock and the growing bars between polls, and pause. When Filecheck failed (the page shows the problem,
/// or the history's stale copy), it asks again on a back-off and swaps in the fresh copy once Filecheck answers.
/// </summary>
/// <param name="dispatch">
/// Runs a change of state where the page may read it and redraws after it (the page passes its <c>InvokeAsync</c>);
/// updates and ticks arrive on other threads.
/// </param>
public sealed class JobLiveView(JobLookupService lookup, JobWatcher watcher, TimeProvider clock, Func<Action, Task> dispatch) : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private readonly RetryLoop _recovery = new(clock);
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

    /// <summary>True while the page is asking Filecheck again by itself after a failure.</summary>
    public bool Recovering => _recovery.Running;

    /// <summary>
    /// A failure worth asking again about: Filecheck was unavailable (a problem, or the stale copy shown instead). A running
    /// job's stale copy is left to the watcher, whose next good poll replaces it.
    /// </summary>
    private static bool NeedsRecovery(JobLoad load) =>
        load.Problem is { Kind: JobProblemKind.Unavailable } || load is { Stale: not null, View.Job.IsTerminal: true };

    /// <summary>Shows another job: forgets the last one (its watch, pause and problem) and loads this one.</summary>
    public Task OpenAsync(string id)
    {
        StopWatching();
        _recovery.Stop();
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
        _recovery.Stop();
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
            if (!loading.IsCancellationRequested && id == _id)
            {
                Load = load;
                Recover(load);
            }
        }
        catch (OperationCanceledException) when (loading.IsCancellationRequested)
        {
        }
    }

    private void Recover(JobLoad load)
    {
        if (!NeedsRecovery(load))
        {
            _recovery.Stop();
            return;
        }
        var id = _id;
        _recovery.Start(ct => RecoverAsync(id, ct), load.Problem?.RetryAfter ?? load.Stale?.RetryAfter);
    }

    /// <summary>One more try: the fresh job replaces what the page shows; another failure keeps it, with the new reason.</summary>
    private async Task<RetryAnswer> RecoverAsync(string id, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposed.Token);
        var load = await lookup.LoadAsync(id, user: null, linked.Token, refresh: true, retry: true);
        var done = !NeedsRecovery(load);
        await dispatch(() =>
        {
            if (linked.IsCancellationRequested || id != _id) return;
            // A failure again: keep the stale copy the page has, or show the new reason for the problem.
            if (done || load.Problem is null || Load?.View is null) Load = load;
        });
        return done ? RetryAnswer.Succeeded : RetryAnswer.NotYet(load.Problem?.RetryAfter ?? load.Stale?.RetryAfter);
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
        _recovery.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
        _loading?.Dispose();
    }
}
