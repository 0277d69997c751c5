using System.Collections.Concurrent;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
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
/// Across instances one poll in all: the instance holding the lease <c>watch:{jobId}</c> polls and writes the job (its
/// writes fenced by the lease); the others hear of each new version on the bus and re-read it from the store, and try
/// the lease every heartbeat period, so one of them takes over when the holder dies or its viewers leave.
/// </summary>
public sealed class JobWatcher(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<JobWatcherOptions> options,
    ILogger<JobWatcher> logger,
    IJobHistory history,
    LeaseKeeper leases,
    IStoreBus bus) : IDisposable
{
    private readonly LeaseKeeper _leases = leases;
    private readonly IStoreBus _bus = bus;
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
        // Set by the bus when another instance stored a new version; at most one pending.
        private readonly SemaphoreSlim _news = new(0, 1);
        private volatile bool _holding;

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
            HeldLease? held = null;
            using var heard = _owner._bus.Subscribe(BusTopics.JobVersion, OnHeard);
            using var reconnected = new BusReconnect(_owner._bus, () => OnHeard(_id.Value));
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    if (held is null || held.Lost.IsCancellationRequested)
                    {
                        if (held is not null) await held.DisposeAsync();
                        held = await TryHoldAsync(ct);
                        _holding = held is not null;
                    }
                    if (held is null)
                    {
                        // Another instance polls: re-read what it stores when it says so, and try the lease again now and then.
                        if (await FollowAsync(ct)) return;
                        continue;
                    }

                    await Task.Delay(interval, _owner._clock, ct);
                    // When the state was asked for, not when it arrived.
                    var polledAt = _owner._clock.GetUtcNow();
                    FilecheckResult<Job> result;
                    using (var scope = _owner._scopes.CreateScope())
                    using (LeaseFence.Enter(held.Lease))
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
                _holding = false;
                // Released at once: an instance whose viewers are still there takes the poll over without waiting for the expiry.
                if (held is not null) await held.DisposeAsync();
                _cts.Dispose();
            }
        }

        private async Task<HeldLease?> TryHoldAsync(CancellationToken ct)
        {
            try
            {
                return await _owner._leases.TryHoldAsync("watch:" + _id.Value, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _owner._logger.LogWarning(ex, "Could not take the watch lease of job {JobId}", _id.Value);
                return null;
            }
        }

        /// <summary>One heartbeat period as a follower: true once the stored job is terminal (the watch is over).</summary>
        private async Task<bool> FollowAsync(CancellationToken ct)
        {
            if (!await _news.WaitAsync(_owner._leases.RenewEvery, ct)) return false;
            var stored = await _owner._history.GetAsync(_id.Value, ct);
            if (stored is null) return false;
            await PublishAsync(new JobUpdate(stored.Job, null, stored.LastFetchedAt ?? stored.LastSeenAt));
            if (!stored.IsTerminal) return false;
            lock (_gate) Close();
            return true;
        }

        private void OnHeard(string jobId)
        {
            if (_holding || jobId != _id.Value) return;
            try
            {
                if (_news.CurrentCount == 0) _news.Release();
            }
            catch (SemaphoreFullException)
            {
                // One pending re-read covers them all.
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

    /// <summary>After the bus reconnected (notifications may be lost), followers re-read the job once.</summary>
    private sealed class BusReconnect : IDisposable
    {
        private readonly IStoreBus _bus;
        private readonly Action _handler;

        public BusReconnect(IStoreBus bus, Action onReconnected)
        {
            _bus = bus;
            _handler = onReconnected;
            bus.Reconnected += _handler;
        }

        public void Dispose() => _bus.Reconnected -= _handler;
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
