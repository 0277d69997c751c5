using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// A real history store on a temporary SQLite file (or a given PostgreSQL database), wired by the store's own <c>AddStore</c>, with rollups counted in
/// <paramref name="zone"/> and the history's write path over it, without a host.
/// </summary>
public sealed class RollupHarness : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ServiceProvider _store;

    public RollupHarness(TimeZoneInfo? zone = null) : this(zone, null)
    {
    }

    /// <summary>The same on the PostgreSQL database <paramref name="postgres"/> names (a connection string), or on SQLite when null.</summary>
    public RollupHarness(TimeZoneInfo? zone, string? postgres)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.File)!);
        var settings = new Dictionary<string, string?> { [$"{StoreOptions.Section}:DatabasePath"] = _temp.File };
        if (postgres is not null)
        {
            settings[StoreOptions.ProviderKey] = nameof(StoreEngine.Postgres);
            settings[StoreOptions.ConnectionStringKey] = postgres;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _store = new ServiceCollection().AddLogging().AddStore(configuration).BuildServiceProvider();
        Db = _store.GetRequiredService<IDbContextFactory<DashboardDbContext>>();
        Migrator = _store.GetRequiredService<StoreMigrator>();
        Gate = _store.GetRequiredService<StoreWriter>();
        Writer = new RollupWriter(new RollupZone(zone ?? TimeZoneInfo.Utc));
        HistoryWriter = new HistoryWriter(Gate, [Writer]);
        Store = new JobWriter(HistoryWriter, TimeProvider.System, NullLogger<JobWriter>.Instance);
        Rebuild = new RollupRebuild(Db, Migrator, HistoryWriter, Writer, TimeProvider.System, NullLogger<RollupRebuild>.Instance, _store.GetRequiredService<LeaseKeeper>());
    }

    public IDbContextFactory<DashboardDbContext> Db { get; }
    public RollupWriter Writer { get; }
    public StoreMigrator Migrator { get; }
    public StoreWriter Gate { get; }
    public HistoryWriter HistoryWriter { get; }
    /// <summary>The history's own write path (what the sync, lookups and webhooks save through).</summary>
    public JobWriter Store { get; }
    public RollupRebuild Rebuild { get; }
    public string File => _temp.File;

    public void Dispose()
    {
        // The container owns the write gate.
        _store.Dispose();
        _temp.Dispose();
    }
}
