using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>The <c>Leases</c> section: how long a lease lives without a heartbeat, and this instance's name as a holder.</summary>
public sealed class LeaseOptions
{
    public const string Section = "Leases";

    /// <summary>How long a lease holds after its last heartbeat (<c>Leases:Expiry</c>); another instance takes over after it.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>This instance as a holder (<c>Leases:InstanceName</c>); the host name and process ID when not set.</summary>
    public string? InstanceName { get; set; }

    /// <summary>A holder renews three times per expiry: two missed heartbeats still keep it.</summary>
    public TimeSpan RenewEvery => Expiry / 3;

    /// <summary>The name written as holder: the setting, or host/pid (unique per process, readable on the admin page).</summary>
    public string Holder => string.IsNullOrWhiteSpace(InstanceName) ? $"{Environment.MachineName}/{Environment.ProcessId}" : InstanceName.Trim();
}

internal sealed class LeaseOptionsValidator : IValidateOptions<LeaseOptions>
{
    public ValidateOptionsResult Validate(string? name, LeaseOptions o) =>
        o.Expiry < TimeSpan.FromSeconds(1) || o.Expiry > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"Leases:Expiry is '{o.Expiry}'; it must be between 00:00:01 and 01:00:00 (30 seconds is the default).")
            : o.InstanceName is { Length: > 200 }
                ? ValidateOptionsResult.Fail("Leases:InstanceName must be at most 200 characters.")
                : ValidateOptionsResult.Success;
}

/// <summary>
/// A lease as taken: the fencing <see cref="Token"/> grows with every take-over, so a write under an old token (a holder
/// that paused past its expiry) is refused once a successor holds it. Times are the database's clock.
/// </summary>
public sealed record Lease(string Name, string Holder, long Token, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt, DateTimeOffset HeartbeatAt);

/// <summary>A write under a lease found that another instance took the lease over: the transaction is rolled back.</summary>
public sealed class LeaseLostException(string name, long token)
    : InvalidOperationException($"The lease '{name}' (token {token}) is no longer held by this instance; the write was rolled back.");

/// <summary>
/// Work that must run on one instance at a time (the sync, the rollup rebuild, the decision webhook sender, a running
/// job's watcher). On PostgreSQL a row per lease; on SQLite (one instance) always held.
/// </summary>
public interface ILeaseStore
{
    /// <summary>This instance's name as a holder.</summary>
    string Instance { get; }

    /// <summary>Takes the lease when free or expired, renews it when this instance holds it; null when another instance holds it.</summary>
    Task<Lease?> TryTakeAsync(string name, CancellationToken ct);

    /// <summary>The heartbeat; null when the lease was taken over (its token moved on).</summary>
    Task<Lease?> RenewAsync(Lease lease, CancellationToken ct);

    /// <summary>Gives the lease up at once (a clean stop): another instance takes over without waiting for the expiry.</summary>
    Task ReleaseAsync(Lease lease, CancellationToken ct);

    /// <summary>Who holds the lease now (expired or not), for the admin page; null when it was never taken.</summary>
    Task<Lease?> FindAsync(string name, CancellationToken ct);
}

/// <summary>
/// The lease of the work running in this async flow: <see cref="StoreWriter"/> checks its token in every write transaction,
/// so the write and the check commit together or not at all.
/// </summary>
public static class LeaseFence
{
    private static readonly AsyncLocal<Lease?> CurrentLease = new();

    public static Lease? Current => CurrentLease.Value;

    /// <summary>Writes from this flow (and the tasks it starts) check <paramref name="lease"/> until disposed.</summary>
    public static IDisposable Enter(Lease lease)
    {
        var before = CurrentLease.Value;
        CurrentLease.Value = lease;
        return new Exit(before);
    }

    private sealed class Exit(Lease? before) : IDisposable
    {
        public void Dispose() => CurrentLease.Value = before;
    }
}

/// <summary>One instance: every lease is this instance's, always (nothing else writes the SQLite file).</summary>
public sealed class SingleInstanceLeaseStore(IOptions<LeaseOptions> options, TimeProvider clock) : ILeaseStore
{
    private readonly DateTimeOffset _since = clock.GetUtcNow();

    public string Instance => options.Value.Holder;

    public Task<Lease?> TryTakeAsync(string name, CancellationToken ct) => Task.FromResult<Lease?>(Held(name));

    public Task<Lease?> RenewAsync(Lease lease, CancellationToken ct) => Task.FromResult<Lease?>(Held(lease.Name));

    public Task ReleaseAsync(Lease lease, CancellationToken ct) => Task.CompletedTask;

    public Task<Lease?> FindAsync(string name, CancellationToken ct) => Task.FromResult<Lease?>(Held(name));

    private Lease Held(string name)
    {
        var now = clock.GetUtcNow();
        return new Lease(name, Instance, 1, _since, now + options.Value.Expiry, now);
    }
}
