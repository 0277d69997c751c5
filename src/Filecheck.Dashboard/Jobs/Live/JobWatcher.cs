using System.Collections.Concurrent;
using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Live;

public sealed class JobWatcherOptions
{
    public const string Section = "Jobs:Watcher";

    /// <summary>The first poll interval; it doubles while nothing changes.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class JobWatcherOptionsValidator : IValidateOptions<JobWatcherOptions>
{
    public ValidateOptionsResult Validate(string? name, JobWatcherOptions o)
    {
        var errors = new List<string>();
        if (o.MinInterval <= TimeSpan.Zero) errors.Add("Jobs:Watcher:MinInterval must be more than zero.");
        if (o.MaxInterval < o.MinInterval) errors.Add("Jobs:Watcher:MaxInterval must be at least Jobs:Watcher:MinInterval.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>What a subscriber receives: the latest copy of the job, or why the last poll failed.</summary>
public sealed record JobUpdate(Job? Job, FilecheckFailure? Failure, DateTimeOffset At);

/// <summary>
/// One shared poll per job ID, however many circuits watch it: the first subscriber starts it, the last one to leave
/// (or a terminal status) stops it. Backs off from <see cref="JobWatcherOptions.MinInterval"/> to the max while the job is unchanged.
/// </summary>
public sealed class JobWatcher(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<JobWatcherOptions> options,
    ILogger<JobWatcher> logger,
    IJobHistory history) : IDisposable
{
    private readonly IJobHistory _history = history;
    private readonly IServiceScopeFactory _scopes = scopes;
    private readonly TimeProvider _clock = clock;
    private readonly JobWatcherOptions _options = options.Value;
    private readonly ILogger _logger = logger;
    private readonly ConcurrentDictionary<string, Watch> _watches = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How many jobs are being polled right now.</summary>
    public int ActiveWatches => _watches.Count;

    /// <summary>Calls <paramref name="onUpdate"/> after every poll until the subscription is disposed or the job is terminal.</summary>
    public IDisposable Subscribe(JobId id, Func<JobUpdate, Task> onUpdate)
    {
        while (true)
        {
            var watch = _watches.GetOrAdd(id.Value, key => new Watch(this, id));
            var subscription = watch.TryAdd(onUpdate);
            if (subscription is not null) return subscription;
            // The watch was closing as we arrived; make a fresh one.
            _watches.TryRemove(new KeyValuePair<string, Watch>(id.Value, watch));
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private sealed class Watch
    {
        private readonly JobWatcher _owner;
        private readonly JobId _id;
        private readonly Lock _gate = new();
        private readonly List<Subscription> _subscribers = [];
        private readonly CancellationTokenSource _cts;
        private bool _closed;
        private bool _started;

        public Watch(JobWatcher owner, JobId id)
        {
            _owner = owner;
            _id = id;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(owner._stopping.Token);
        }

        public Subscription? TryAdd(Func<JobUpdate, Task> callback)
        {
            lock (_gate)
            {
                if (_closed) return null;
                var subscription = new Subscription(this, callback);
                _subscribers.Add(subscription);
                if (!_started)
                {
                    _started = true;
                    _ = Task.Run(() => RunAsync(_cts.Token));
                }
                return subscription;
            }
        }

        public void Remove(Subscription subscription)
        {
            lock (_gate)
            {
                _subscribers.Remove(subscription);
                if (_subscribers.Count > 0 || _closed) return;
                Close();
            }
        }

        private void Close()
        {
            if (_closed) return;
            _closed = true;
            _owner._watches.TryRemove(new KeyValuePair<string, Watch>(_id.Value, this));
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The poll loop already ended and disposed it.
            }
        }

        private async Task RunAsync(CancellationToken ct)
        {
            var settings = _owner._options;
            var interval = settings.MinInterval;
            DateTimeOffset? lastModified = null;
            int lastStepsDone = -1;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    await Task.Delay(interval, _owner._clock, ct);
                    // When the state was asked for, not when it arrived.
                    var polledAt = _owner._clock.GetUtcNow();
                    FilecheckResult<Job> result;
                    using (var scope = _owner._scopes.CreateScope())
                    {
                        var client = scope.ServiceProvider.GetRequiredService<IFilecheckClient>();
                        result = await client.GetJobAsync(_id, ct);
                        if (result.IsSuccess) await KeepAsync(result.Value, ct);
                    }
                    var update = new JobUpdate(result.Value, result.Failure, polledAt);
                    await PublishAsync(update);

                    var job = result.Value;
                    if (job?.IsTerminal == true)
                    {
                        lock (_gate) Close();
                        return;
                    }

                    // Back off while nothing moves; come back to the fastest pace as soon as something does.
                    var stepsDone = job?.Tasks?.Sum(t => t.Steps?.Count(s => s.Ended is not null) ?? 0) ?? lastStepsDone;
                    var changed = job is not null && (job.ModifiedAt != lastModified || stepsDone != lastStepsDone);
                    lastModified = job?.ModifiedAt ?? lastModified;
                    lastStepsDone = stepsDone;
                    interval = changed
                        ? settings.MinInterval
                        : TimeSpan.FromTicks(Math.Min(settings.MaxInterval.Ticks, interval.Ticks * 2));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                _owner._logger.LogError(ex, "Watching job {JobId} stopped unexpectedly", _id.Value);
                // Tell the pages, so none says "updating live" while nothing polls.
                await PublishAsync(new JobUpdate(null,
                    new FilecheckFailure(FilecheckFailureKind.Unavailable, "Live updates stopped"), _owner._clock.GetUtcNow()));
                lock (_gate) Close();
            }
            finally
            {
                _cts.Dispose();
            }
        }

        /// <summary>What the watcher sees goes into the history like any lookup.</summary>
        private async Task KeepAsync(Job job, CancellationToken ct)
        {
            try
            {
                await _owner._history.SaveAsync(job, JobSources.Watch, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _owner._logger.LogWarning(ex, "Could not keep job {JobId} in the history", _id.Value);
            }
        }

        private async Task PublishAsync(JobUpdate update)
        {
            Subscription[] targets;
            lock (_gate) targets = [.. _subscribers];
            foreach (var target in targets)
            {
                try
                {
                    await target.DeliverAsync(update);
                }
                catch (Exception ex)
                {
                    // One broken circuit must not stop the others' updates.
                    _owner._logger.LogWarning(ex, "A subscriber to job {JobId} failed to take an update", _id.Value);
                }
            }
        }
    }

    private sealed class Subscription(Watch watch, Func<JobUpdate, Task> callback) : IDisposable
    {
        private int _disposed;

        public Task DeliverAsync(JobUpdate update) =>
            Volatile.Read(ref _disposed) == 0 ? callback(update) : Task.CompletedTask;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) watch.Remove(this);
        }
    }
}
