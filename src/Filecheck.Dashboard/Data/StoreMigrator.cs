using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// Applies the migrations once per process (never EnsureCreated); every read and write awaits it. With
/// <c>History:MigrateAtStart=false</c> it only checks: a store behind this version refuses the start, naming <c>migrate</c>.
/// </summary>
public sealed class StoreMigrator
{
    /// <summary>The advisory lock key the dashboard's PostgreSQL migrations are taken under (any fixed number; the same in every instance).</summary>
    private const long MigrationLockKey = 0x46434442_4D494752; // "FCDBMIGR"

    private readonly IDbContextFactory<DashboardDbContext> _factory;
    private readonly ILogger<StoreMigrator> _logger;
    private readonly bool _migrateAtStart;
    private readonly Lock _readyGate = new();
    private Task? _ready;

    public StoreMigrator(IDbContextFactory<DashboardDbContext> factory, IOptions<StoreOptions> options, ILogger<StoreMigrator> logger)
    {
        _factory = factory;
        _logger = logger;
        _migrateAtStart = options.Value.MigrateAtStart;
    }

    /// <summary>A migrator that applies at start (tests and tools that build the store by hand).</summary>
    public StoreMigrator(IDbContextFactory<DashboardDbContext> factory, ILogger<StoreMigrator> logger)
        : this(factory, Options.Create(new StoreOptions()), logger)
    {
    }

    public Task EnsureReadyAsync(CancellationToken ct = default)
    {
        lock (_readyGate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled) _ready = _migrateAtStart ? MigrateAsync(ct) : RequireCurrentAsync(ct);
            return _ready;
        }
    }

    /// <summary>The <c>migrate</c> command: applies what is pending whatever <c>MigrateAtStart</c> says; returns the migrations applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct = default)
    {
        var applied = MigrateAsync(ct);
        await applied;
        lock (_readyGate) _ready = applied;
        return applied.Result;
    }

    /// <summary>The migrations this version has that the store lacks.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct = default)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        if (db.Database.IsSqlite() && !File.Exists(db.Database.GetDbConnection().DataSource)) return db.Database.GetMigrations().ToList();
        return (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
    }

    /// <summary>Where the store is, for a person: the SQLite file, or the PostgreSQL database and server (never the password).</summary>
    public string Describe()
    {
        using var db = _factory.CreateDbContext();
        return Describe(db);
    }

    private static string Describe(DashboardDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        return db.Database.IsSqlite()
            ? $"SQLite file {Path.GetFullPath(connection.DataSource)}"
            : new Npgsql.NpgsqlConnectionStringBuilder(connection.ConnectionString) is var named
                ? $"PostgreSQL database {named.Database} on {named.Host}:{named.Port}"
                : "";
    }

    private async Task RequireCurrentAsync(CancellationToken ct)
    {
        var pending = await PendingAsync(ct);
        if (pending.Count == 0) return;
        throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
        [
            $"{StoreOptions.MigrateAtStartKey} is false and the store ({Describe()}) lacks {pending.Count} migration(s) of this version " +
            $"({string.Join(", ", pending)}): run `dotnet Filecheck.Dashboard.dll migrate` (from source: `dotnet run --project src/Filecheck.Dashboard -- migrate`) " +
            "with the same settings, then start again.",
        ]);
    }

    private async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        IReadOnlyList<string> pending;
        if (!db.Database.IsSqlite())
        {
            // PostgreSQL: instances starting together migrate one at a time. EF's own lock alone let two apply the same
            // migration (PostgresStoreTests); a session advisory lock, which the server drops with a dead session, holds them apart.
            await db.Database.OpenConnectionAsync(ct);
            await using (var take = db.Database.GetDbConnection().CreateCommand())
            {
                take.CommandText = $"SELECT pg_advisory_lock({MigrationLockKey})";
                await take.ExecuteNonQueryAsync(ct);
            }
            try
            {
                pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await using var release = db.Database.GetDbConnection().CreateCommand();
                release.CommandText = $"SELECT pg_advisory_unlock({MigrationLockKey})";
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            _logger.LogInformation("Store ready on PostgreSQL database {Database}", db.Database.GetDbConnection().Database);
            return pending;
        }
        var path = db.Database.GetDbConnection().DataSource;
        if (!string.IsNullOrEmpty(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        // WAL is a property of the file: set it before the first table exists (the connection interceptor repeats it on open).
        await db.Database.OpenConnectionAsync(ct);
        await using (var wal = db.Database.GetDbConnection().CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(ct);
        }
        await using (await MigrationLock.AcquireAsync(db, _logger, ct)) // a lock row left by a killed process would hang Migrate
        {
            pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await db.Database.MigrateAsync(ct);
        }
        _logger.LogInformation("Store ready at {Path}", path);
        return pending;
    }
}
