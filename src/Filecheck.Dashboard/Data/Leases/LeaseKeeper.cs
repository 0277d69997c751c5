using Filecheck.Dashboard.Shell;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>Takes leases and keeps them alive with a heartbeat well inside the expiry.</summary>
public sealed class LeaseKeeper(ILeaseStore leases, IOptions<LeaseOptions> options, TimeProvider clock, ILogger<LeaseKeeper> logger, DashboardMetrics metrics)
{
    public ILeaseStore Store => leases;

    /// <summary>The lease, held with a heartbeat until disposed; null when another instance holds it.</summary>
    public async Task<HeldLease?> TryHoldAsync(string name, CancellationToken ct)
    {
        var lease = await leases.TryTakeAsync(name, ct);
        if (lease is null) return null;
        logger.LogInformation("This instance ({Holder}) holds the lease {Lease} (token {Token})", lease.Holder, lease.Name, lease.Token);
        metrics.LeaseTaken(lease.Name);
        return new HeldLease(lease, leases, options.Value, clock, logger, metrics);
    }

    /// <summary>How often a holder renews, and a waiting instance tries again.</summary>
    public TimeSpan RenewEvery => options.Value.RenewEvery;
}

/// <summary>
/// A lease this instance holds: renewed every third of the expiry; <see cref="Lost"/> fires when a renewal finds it
/// taken over, or when no renewal succeeded before it would have expired. Disposing releases it.
/// </summary>
public sealed class HeldLease : IAsyncDisposable
{
    private readonly ILeaseStore _leases;
    private readonly LeaseOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private readonly DashboardMetrics _metrics;
    private int _ended;

    internal HeldLease(Lease lease, ILeaseStore leases, LeaseOptions options, TimeProvider clock, ILogger logger, DashboardMetrics metrics)
    {
        Lease = lease;
        _leases = leases;
        _options = options;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
        // Held no more from the moment it is lost, not when the owner gets round to disposing it.
        _lost.Token.Register(Ended);
        _heartbeat = Task.Run(HeartbeatAsync);
    }

    /// <summary>The lease as last renewed (the token never changes while held).</summary>
    public Lease Lease { get; private set; }

    /// <summary>Cancelled once the lease is no longer this instance's.</summary>
    public CancellationToken Lost => _lost.Token;

    private async Task HeartbeatAsync()
    {
        // By this process's clock: when the lease was last known good, so a database that stops answering loses it in time.
        var lastGood = _clock.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.RenewEvery, _clock, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                var renewed = await _leases.RenewAsync(Lease, _stop.Token);
                if (renewed is null)
                {
                    _logger.LogWarning("The lease {Lease} (token {Token}) was taken over by another instance", Lease.Name, Lease.Token);
                    await _lost.CancelAsync();
                    return;
                }
                Lease = renewed;
                lastGood = _clock.GetTimestamp();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Renewing the lease {Lease} failed", Lease.Name);
                if (_clock.GetElapsedTime(lastGood) >= _options.Expiry)
                {
                    await _lost.CancelAsync();
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        if (!_lost.IsCancellationRequested)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _leases.ReleaseAsync(Lease, timeout.Token);
            }
            catch (Exception e)
            {
                // It expires on its own.
                _logger.LogWarning(e, "Releasing the lease {Lease} failed", Lease.Name);
            }
        }
        Ended();
        _stop.Dispose();
        _lost.Dispose();
    }

    /// <summary>Counts the lease as no longer held, once: lost and then disposed is one release.</summary>
    private void Ended()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0) _metrics.LeaseReleased(Lease.Name);
    }
}
