using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;
using Filecheck.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>The readiness check (what <c>/readyz</c> runs) on a real PostgreSQL that stops taking connections, then takes them again.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreReadinessPostgresTests
{
    [Fact]
    public async Task ReadyChecks_DatabaseRefusesConnections_UnhealthyThenHealthyAgain()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        try
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock);
            services.AddStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["History:Provider"] = "Postgres",
                ["ConnectionStrings:History"] = connectionString,
            }).Build());
            await using var provider = services.BuildServiceProvider();
            var health = provider.GetRequiredService<HealthCheckService>();
            // The store's check alone: the bus's (also tagged ready) needs a started host.
            Task<HealthReport> ReadyAsync() => health.CheckHealthAsync(c => c.Tags.Contains(HealthTags.Ready) && c.Name == "store");
            // Each wait moves past the probe's cache (1.5 s) before asking again.
            Task<HealthReport> UntilAsync(HealthStatus status) => WaitForAsync(() =>
            {
                clock.Advance(TimeSpan.FromSeconds(2));
                return ReadyAsync();
            }, status);

            // Before the migrations: not ready.
            Assert.Equal(HealthStatus.Unhealthy, (await ReadyAsync()).Status);
            await provider.GetRequiredService<StoreMigrator>().EnsureReadyAsync();
            Assert.Equal(HealthStatus.Healthy, (await UntilAsync(HealthStatus.Healthy)).Status);

            await Admin($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
            // Within the cache's 1.5 s the last answer stands: probes in a burst cost the database one query.
            Assert.Equal(HealthStatus.Healthy, (await ReadyAsync()).Status);
            Assert.Equal(HealthStatus.Unhealthy, (await UntilAsync(HealthStatus.Unhealthy)).Status);

            await Admin($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
            Assert.Equal(HealthStatus.Healthy, (await UntilAsync(HealthStatus.Healthy)).Status);
        }
        finally
        {
            await Admin($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
            await PostgresCluster.Shared.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task Admin(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresCluster.Shared.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Asks until the report has <paramref name="status"/>.</summary>
    private static async Task<HealthReport> WaitForAsync(Func<Task<HealthReport>> ready, HealthStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var report = await ready();
            if (report.Status == status) return report;
            Assert.True(DateTime.UtcNow < deadline, $"still {report.Status}, not {status}, after 20 s");
            await Task.Delay(100);
        }
    }
}
