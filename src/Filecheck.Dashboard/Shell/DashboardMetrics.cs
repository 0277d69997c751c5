using System.Diagnostics.Metrics;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// The dashboard's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/>: exported by OpenTelemetry
/// when it is on (<see cref="TelemetrySetup"/>), free when nothing listens. Every part may record here (Shell is shared).
/// Tags stay low in cardinality: a result word, a client name, a lease's kind, never an ID, a user or a URL.
/// </summary>
public sealed class DashboardMetrics : IDisposable
{
    public const string MeterName = "Filecheck.Dashboard";

    private readonly Meter _meter;
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _upstreamCalls;
    private readonly UpDownCounter<long> _leasesHeld;
    private readonly Counter<long> _busReconnects;
    private readonly UpDownCounter<long> _circuitsOpen;
    private long _lastSyncSuccessMs;

    public DashboardMetrics()
    {
        // A tag on the meter says which instance (and, in the tests, which host of the process) measured.
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new("dashboard.instance", InstanceId)] });
        _lookups = _meter.CreateCounter<long>("filecheck.dashboard.lookups", "{lookup}", "Job lookups, by result: fresh, cache, stale, failed.");
        _cacheHits = _meter.CreateCounter<long>("filecheck.dashboard.cache.hits", "{lookup}", "Lookups answered from the store without asking Filecheck.");
        _upstreamCalls = _meter.CreateCounter<long>("filecheck.dashboard.upstream.calls", "{call}", "Requests to the Filecheck API, by client and outcome.");
        _leasesHeld = _meter.CreateUpDownCounter<long>("filecheck.dashboard.leases.held", "{lease}", "Leases this instance holds, by kind (sync, rollups, webhooks, watch).");
        _busReconnects = _meter.CreateCounter<long>("filecheck.dashboard.bus.reconnects", "{reconnect}", "Times the bus's connection was made again.");
        _circuitsOpen = _meter.CreateUpDownCounter<long>("filecheck.dashboard.circuits.open", "{circuit}", "Blazor circuits open on this instance.");
        _meter.CreateObservableGauge("filecheck.dashboard.sync.lag", ObserveSyncLag, "s", "Seconds since the history sync last succeeded.");
    }

    /// <summary>This instance's ID, the <c>dashboard.instance</c> tag of the meter.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>A lookup ended: <paramref name="result"/> as the audit words it (fresh, cache, stale:…, failed:…).</summary>
    public void Lookup(string action, string result)
    {
        var kind = result.Split(':', 2)[0];
        _lookups.Add(1, new("action", action), new("result", kind));
        if (kind == "cache") _cacheHits.Add(1, new KeyValuePair<string, object?>("action", action));
    }

    /// <summary>One request to Filecheck: ok, not_found, rate_limited, client_error, server_error, timeout, network.</summary>
    public void UpstreamCall(string client, string outcome) => _upstreamCalls.Add(1, new("client", client), new("outcome", outcome));

    /// <summary>For the leases (Data): one taken; <paramref name="name"/>'s kind is the part before ':' (watch:{jobId} counts as watch).</summary>
    public void LeaseTaken(string name) => _leasesHeld.Add(1, new KeyValuePair<string, object?>("lease", name.Split(':', 2)[0]));

    /// <summary>For the leases (Data): one released or lost.</summary>
    public void LeaseReleased(string name) => _leasesHeld.Add(-1, new KeyValuePair<string, object?>("lease", name.Split(':', 2)[0]));

    /// <summary>For the bus (Data): its connection was made again.</summary>
    public void BusReconnected() => _busReconnects.Add(1);

    public void CircuitOpened() => _circuitsOpen.Add(1);

    public void CircuitClosed() => _circuitsOpen.Add(-1);

    /// <summary>The history sync succeeded at <paramref name="at"/>: the lag counts from there.</summary>
    public void SyncSucceeded(DateTimeOffset at) => Interlocked.Exchange(ref _lastSyncSuccessMs, at.ToUnixTimeMilliseconds());

    private IEnumerable<Measurement<double>> ObserveSyncLag()
    {
        var last = Interlocked.Read(ref _lastSyncSuccessMs);
        if (last == 0) yield break;
        yield return new Measurement<double>((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - last) / 1000.0);
    }

    public void Dispose() => _meter.Dispose();
}
