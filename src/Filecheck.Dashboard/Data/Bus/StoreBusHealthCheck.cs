using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Filecheck.Dashboard.Data;

/// <summary>Readiness of the bus ("bus", tagged "ready"): unhealthy while the PostgreSQL listener is reconnecting; no details leaked.</summary>
public sealed class StoreBusHealthCheck(IStoreBus bus) : IHealthCheck
{
    public const string Name = "bus";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus.IsConnected ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The bus is reconnecting."));
}
