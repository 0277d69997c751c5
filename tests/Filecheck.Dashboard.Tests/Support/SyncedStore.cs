using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// A store filled by the history's own sync from a sandbox over HTTP (list pages, then every job's details), with the
/// trend rollups kept as the dashboard keeps them: on a SQLite file, or on the PostgreSQL database a connection string names.
/// </summary>
public sealed class SyncedStore : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ServiceProvider _services;

    private SyncedStore(SandboxFixture sandbox, string? postgres) => _services = Build(sandbox, postgres, _temp);

    public IDbContextFactory<DashboardDbContext> Db => _services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();

    /// <summary>Syncs every job of <paramref name="sandbox"/> (and its details) into a new store; throws when the sync fails.</summary>
    public static async Task<SyncedStore> SyncAsync(SandboxFixture sandbox, string? postgres)
    {
        var store = new SyncedStore(sandbox, postgres);
        await store._services.GetRequiredService<StoreMigrator>().EnsureReadyAsync();
        var result = await store._services.GetRequiredService<HistorySyncRunner>().RunOnceAsync();
        if (result.Failure is { } failure) throw new InvalidOperationException($"The sync failed: {failure.Kind}");
        return store;
    }

    private static ServiceProvider Build(SandboxFixture sandbox, string? postgres, TempStore temp)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(temp.File)!);
        var settings = new Dictionary<string, string?>
        {
            ["Filecheck:BaseUrl"] = sandbox.Server.BaseAddress.ToString(),
            ["Filecheck:ApiKey"] = sandbox.Server.ApiKey,
            ["Filecheck:Timeout"] = "00:00:05",
            ["Filecheck:TotalTimeout"] = "00:00:20",
            ["Filecheck:MaxRetries"] = "1",
            ["History:Sync:Enabled"] = "false",
            ["History:Sync:PageSize"] = "100",
            ["History:Sync:RequestsPerMinute"] = "100000",
            ["History:Sync:MaxDetailsPerRun"] = "100000",
            [StoreOptions.DatabasePathKey] = temp.File,
        };
        if (postgres is not null)
        {
            settings[StoreOptions.ProviderKey] = nameof(StoreEngine.Postgres);
            settings[StoreOptions.ConnectionStringKey] = postgres;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(sandbox.Clock as TimeProvider);
        services.AddFilecheckClient(configuration);
        services.AddStore(configuration);
        services.AddHistory(configuration);
        // The rollups as Trends keeps them with every history write (without the rest of the trends feature).
        services.AddSingleton(RollupZone.Utc);
        services.AddSingleton<RollupWriter>();
        services.AddSingleton<IHistoryWriteListener>(sp => sp.GetRequiredService<RollupWriter>());
        return services.BuildServiceProvider();
    }

    public void Dispose()
    {
        // Some of the store's services (the bus, the read audit queue) only dispose asynchronously.
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _temp.Dispose();
    }
}
