using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Data;

/// <summary>Applies the migrations once per process (never EnsureCreated); every read and write awaits it.</summary>
public sealed class StoreMigrator(IDbContextFactory<DashboardDbContext> factory, ILogger<StoreMigrator> logger)
{
    /// <summary>The advisory lock key the dashboard's PostgreSQL migrations are taken under (any fixed number; the same in every instance).</summary>
    private const long MigrationLockKey = 0x46434442_4D494752; // "FCDBMIGR"

    private readonly Lock _readyGate = new();
    private Task? _ready;

    public Task EnsureReadyAsync(CancellationToken ct = default)
    {
        lock (_readyGate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled) _ready = MigrateAsync(ct);
            return _ready;
        }
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
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
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await using var release = db.Database.GetDbConnection().CreateCommand();
                release.CommandText = $"SELECT pg_advisory_unlock({MigrationLockKey})";
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            logger.LogInformation("Store ready on PostgreSQL database {Database}", db.Database.GetDbConnection().Database);
            return;
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
        await using (await MigrationLock.AcquireAsync(db, logger, ct)) // a lock row left by a killed process would hang Migrate
            await db.Database.MigrateAsync(ct);
        logger.LogInformation("Store ready at {Path}", path);
    }
}
