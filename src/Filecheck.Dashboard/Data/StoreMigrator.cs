using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Data;

/// <summary>Applies the migrations once per process (never EnsureCreated); every read and write awaits it.</summary>
public sealed class StoreMigrator(IDbContextFactory<DashboardDbContext> factory, ILogger<StoreMigrator> logger)
{
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
            // PostgreSQL: EF's own migration lock (an advisory lock the server drops with its session) serialises instances.
            await db.Database.MigrateAsync(ct);
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
