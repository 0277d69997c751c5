using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The store: one SQLite file (the default) or a PostgreSQL database (<c>History:Provider=Postgres</c>), its migrations
/// applied at start, one write gate, the Data Protection key ring.
/// </summary>
public static class DataSetup
{
    public static IHostApplicationBuilder AddStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddStore(builder.Configuration, builder.Environment.ContentRootPath);
        builder.RequireEncryptedKeysOutsideDevelopment();
        return builder;
    }

    /// <summary>The same for a host without a builder (a worker, a test); relative paths are under <paramref name="contentRoot"/>.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration, string? contentRoot = null)
    {
        var root = contentRoot ?? Directory.GetCurrentDirectory();
        services.AddValidatedOptions<StoreOptions, StoreOptionsValidator>(configuration.GetSection(StoreOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(StoreOptions.ConnectionStringName));
        // Both engines are registered; the options say which one the store is (read when first asked, after validation).
        services.AddDbContextFactory<SqliteDashboardDbContext>((sp, o) => o
            .UseSqlite(ConnectionString(FullPath(sp.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath, root)))
            .AddInterceptors(SqlitePragmas.Instance, sp.GetRequiredService<InMemoryStoreBus>(), StoreTracing.Instance));
        services.AddDbContextFactory<PostgresDashboardDbContext>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<IOptions<StoreOptions>>().Value.ConnectionString));
        services.AddSingleton<IDbContextFactory<DashboardDbContext>>(sp =>
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.Engine == StoreEngine.Postgres
                ? new StoreContextFactory<PostgresDashboardDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresDashboardDbContext>>())
                : new StoreContextFactory<SqliteDashboardDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteDashboardDbContext>>()));
        // The Data Protection key ring resolves the context itself, in a scope.
        services.AddScoped<DashboardDbContext>(sp => sp.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContext());
        services.AddSingleton<StoreMigrator>();
        services.AddSingleton<StoreWriter>();
        // Per-person budgets counted in the store: every instance on one database counts the same.
        services.AddSingleton<IUserWindows, UserWindowStore>();
        services.AddInstances(configuration);
        // One key ring for every instance on this store: cookies and share approvals survive restarts and load balancing.
        services.AddDataProtection().SetApplicationName("Filecheck.Dashboard").ProtectWithConfiguredCertificate(configuration, root);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
            o.XmlRepository = ActivatorUtilities.CreateInstance<StoreKeyRepository>(sp, sp));
        // Before any feature's start work: the tables exist when the first hosted service or request reads them.
        services.AddHostedService<StoreStartup>();
        // /readyz: the store answers, its migrations applied (probed at most once every second or two).
        // One instance, so that its cached answer is shared by every probe (AddCheck<T> would make one per run otherwise).
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StoreReadiness>();
        services.AddHealthChecks().AddCheck<StoreReadiness>(StoreReadiness.Name, tags: [HealthTags.Ready]);
        // The read audit's queue on disk, folded into the store in batches; it stops after the web server, so it folds last.
        services.AddSingleton(sp => ReadAuditFolder.For(sp.GetRequiredService<IOptions<StoreOptions>>().Value, root));
        services.AddSingleton<ReadAuditJournal>();
        services.AddHostedService(sp => sp.GetRequiredService<ReadAuditJournal>());
        return services;
    }

    /// <summary>
    /// What lets several instances act as one on PostgreSQL (leases, the LISTEN/NOTIFY bus); on SQLite their one-instance
    /// forms (always held, in memory), chosen like the context by the configured engine.
    /// </summary>
    private static void AddInstances(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LeaseOptions, LeaseOptionsValidator>(configuration.GetSection(LeaseOptions.Section));
        services.AddSingleton<SingleInstanceLeaseStore>();
        services.AddSingleton<PostgresLeaseStore>();
        services.AddSingleton<ILeaseStore>(sp => IsPostgres(sp)
            ? sp.GetRequiredService<PostgresLeaseStore>()
            : sp.GetRequiredService<SingleInstanceLeaseStore>());
        // The leases and the bus record here; the store commands build only the store, so it is registered with it.
        services.TryAddSingleton<DashboardMetrics>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<InMemoryStoreBus>();
        services.AddSingleton<PostgresStoreBus>();
        // It listens only on PostgreSQL; with SQLite it starts nothing.
        services.AddHostedService(sp => sp.GetRequiredService<PostgresStoreBus>());
        services.AddSingleton<IStoreBus>(sp => IsPostgres(sp)
            ? sp.GetRequiredService<PostgresStoreBus>()
            : sp.GetRequiredService<InMemoryStoreBus>());
        services.AddHealthChecks().AddCheck<StoreBusHealthCheck>(StoreBusHealthCheck.Name, tags: [HealthTags.Ready]);
    }

    /// <summary>
    /// For a host without the store (a bUnit context): one instance's leases (always held) and an in-memory bus. The
    /// store's own registrations replace these whichever is added first.
    /// </summary>
    public static IServiceCollection AddSingleInstanceDefaults(this IServiceCollection services)
    {
        services.AddOptions<LeaseOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILeaseStore, SingleInstanceLeaseStore>();
        services.TryAddSingleton<DashboardMetrics>();
        services.TryAddSingleton<LeaseKeeper>();
        services.TryAddSingleton<InMemoryStoreBus>();
        services.TryAddSingleton<IStoreBus>(sp => sp.GetRequiredService<InMemoryStoreBus>());
        return services;
    }

    private static bool IsPostgres(IServiceProvider sp) => sp.GetRequiredService<IOptions<StoreOptions>>().Value.Engine == StoreEngine.Postgres;

    /// <summary>The database file: <paramref name="path"/>, relative to the content root unless rooted.</summary>
    public static string FullPath(string path, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));

    /// <summary>The connection string of a store file (also what the sandbox's own file is opened with).</summary>
    public static string ConnectionString(string file) => new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>The configured engine's contexts, as the model every feature reads and writes.</summary>
    private sealed class StoreContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<DashboardDbContext>
        where TContext : DashboardDbContext
    {
        public DashboardDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<DashboardDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }

    /// <summary>Applies the migrations before the dashboard serves a request.</summary>
    private sealed class StoreStartup(StoreMigrator migrator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => migrator.EnsureReadyAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
