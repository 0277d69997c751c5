using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.History;

/// <summary>Runs the sync in the background: every <c>History:Sync:Interval</c>, backing off while Filecheck is down.</summary>
public sealed class HistorySync(
    HistorySyncRunner runner, StoreMigrator migrator, SyncStateStore state, HistorySyncStatus status, IOptions<HistoryOptions> options,
    TimeProvider clock, ILogger<HistorySync> logger) : BackgroundService
{
    private CancellationTokenSource _wake = new();

    public bool Enabled => options.Value.Sync.Enabled;

    /// <summary>Starts the next run now instead of after the wait (the admin page's button); nothing while the sync is off.</summary>
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
        var o = options.Value.Sync;
        if (!o.Enabled) return;
        await migrator.EnsureReadyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var result = await runner.RunOnceAsync(stoppingToken);
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
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "History sync failed; trying again later");
                wait = o.MaxBackoff;
            }
            status.NextRunAt = clock.GetUtcNow() + wait;
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, Volatile.Read(ref _wake).Token);
            try
            {
                await Task.Delay(wait, clock, waiting.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Dispose();
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
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
