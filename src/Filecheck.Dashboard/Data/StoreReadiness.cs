using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// Ready (<c>/readyz</c>, tag "ready"): the store answers and holds every migration this build knows. One small query
/// (the migrations' history count), asked at most once every <see cref="Fresh"/>: probes every second from a load
/// balancer cost the database almost nothing. The reason stays in the result; the endpoint shows the status word only.
/// </summary>
internal sealed class StoreReadiness(IDbContextFactory<DashboardDbContext> factory, TimeProvider clock) : IHealthCheck
{
    public const string Name = "store";
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _probe = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;
    private int _migrations = -1;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (Cached() is { } cached) return cached;
        await _probe.WaitAsync(ct);
        try
        {
            // Another probe may have answered while this one waited.
            if (Cached() is { } again) return again;
            var result = await ProbeAsync(ct);
            _last = (clock.GetUtcNow(), result);
            return result;
        }
        finally
        {
            _probe.Release();
        }
    }

    private HealthCheckResult? Cached() =>
        _last is { } last && clock.GetUtcNow() - last.At < Fresh ? last.Result : null;

    private async Task<HealthCheckResult> ProbeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var db = await factory.CreateDbContextAsync(timeout.Token);
            if (_migrations < 0) _migrations = db.Database.GetMigrations().Count();
            await db.Database.OpenConnectionAsync(timeout.Token);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = """SELECT COUNT(*) FROM "__EFMigrationsHistory" """;
            var applied = Convert.ToInt32(await command.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture);
            return applied >= _migrations ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{_migrations - applied} migrations not applied yet");
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or OperationCanceledException or TimeoutException or IOException)
        {
            return HealthCheckResult.Unhealthy("the store does not answer: " + e.GetType().Name);
        }
    }
}
