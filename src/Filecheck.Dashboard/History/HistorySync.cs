using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Runs the sync in the background: every <c>History:Sync:Interval</c>, backing off while Filecheck is down, on one
/// instance at a time (the holder of the <c>sync</c> lease; every write of a run checks its token). "Sync now" goes over
/// the bus, so the holder runs it whichever instance the button was pressed on.
/// </summary>
public sealed class HistorySync(
    HistorySyncRunner runner, StoreMigrator migrator, SyncStateStore state, HistorySyncStatus status, IOptions<HistoryOptions> options,
    TimeProvider clock, ILogger<HistorySync> logger, LeaseKeeper leases, IStoreBus bus) : BackgroundService
{
    /// <summary>The lease the sync runs under.</summary>
    public const string LeaseName = "sync";

    private CancellationTokenSource _wake = new();

    public bool Enabled => options.Value.Sync.Enabled;

    /// <summary>This instance's name as a lease holder.</summary>
    public string Instance => leases.Store.Instance;

    /// <summary>Who holds the sync now and since when (null before any instance took it).</summary>
    public Task<Lease?> HolderAsync(CancellationToken ct = default) => leases.Store.FindAsync(LeaseName, ct);

    /// <summary>"Sync now" from any instance: the holder hears it on the bus and starts a run.</summary>
    public Task RequestRunAsync(CancellationToken ct = default) => bus.PublishAsync(BusTopics.SyncNow, LeaseName, ct);

    /// <summary>Starts the next run now instead of after the wait, on this instance; nothing while the sync is off.</summary>
    public void RunNow()
    {
        try
        {
            Volatile.Read(ref _wake).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A run was just starting and swapped in a fresh source: wake that one instead.
            Volatile.Read(ref _wake).Cancel();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Sync.Enabled) return;
        await migrator.EnsureReadyAsync(stoppingToken);
        using var subscription = bus.Subscribe(BusTopics.SyncNow, _ => RunNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            var held = await HoldAsync(stoppingToken);
            if (held is null) break;
            await using (held)
            {
                if (!await RunWhileHeldAsync(held, stoppingToken)) break;
            }
        }
    }

    /// <summary>Waits for the lease: tries every heartbeat period (at once after "Sync now"); null when stopping.</summary>
    private async Task<HeldLease?> HoldAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await leases.TryHoldAsync(LeaseName, stoppingToken) is { } held) return held;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Taking the sync lease failed; trying again");
            }
            if (!await WaitAsync(leases.RenewEvery, stoppingToken, CancellationToken.None)) return null;
        }
        return null;
    }

    /// <summary>Runs and waits in turn while the lease holds; false when the host is stopping.</summary>
    private async Task<bool> RunWhileHeldAsync(HeldLease held, CancellationToken stoppingToken)
    {
        var o = options.Value.Sync;
        using var fence = LeaseFence.Enter(held.Lease);
        while (!held.Lost.IsCancellationRequested)
        {
            TimeSpan wait;
            using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.Lost);
            try
            {
                var result = await runner.RunOnceAsync(run.Token);
                if (result.Completed)
                {
                    wait = o.Interval;
                }
                else
                {
                    var failures = (await state.GetAsync(stoppingToken)).ConsecutiveFailures;
                    wait = Backoff(o, failures, result.Failure?.RetryAfter);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e) when (held.Lost.IsCancellationRequested || e is LeaseLostException)
            {
                // Another instance took the sync over: its next run starts where the store says this one stopped.
                logger.LogWarning("The sync lease was lost during a run; another instance continues the sync");
                return true;
            }
            catch (Exception e)
            {
                logger.LogError(e, "History sync failed; trying again later");
                wait = o.MaxBackoff;
            }
            status.NextRunAt = clock.GetUtcNow() + wait;
            if (!await WaitAsync(wait, stoppingToken, held.Lost)) return false;
        }
        return true;
    }

    /// <summary>Waits <paramref name="wait"/>, or less when woken or the lease is lost; false when the host is stopping.</summary>
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stoppingToken, CancellationToken lost)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lost, Volatile.Read(ref _wake).Token);
        try
        {
            await Task.Delay(wait, clock, waiting.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            if (Volatile.Read(ref _wake).IsCancellationRequested) Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Dispose();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return true;
    }

    /// <summary>A tenth of the interval, doubling per failed run, capped; never shorter than Retry-After.</summary>
    public static TimeSpan Backoff(HistorySyncOptions o, int consecutiveFailures, TimeSpan? retryAfter)
    {
        var first = o.Interval / 10;
        var factor = Math.Pow(2, Math.Clamp(consecutiveFailures - 1, 0, 20));
        var wait = TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, o.MaxBackoff.Ticks));
        return retryAfter is { } r && r > wait ? r : wait;
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}
