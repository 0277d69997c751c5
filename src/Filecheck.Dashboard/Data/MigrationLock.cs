using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// EF Core (9+) on SQLite serialises migrations with a row in <c>__EFMigrationsLock</c> that only a living process
/// deletes: one killed mid-migration leaves it, and every later <c>Migrate</c> waits for it forever. Around the
/// migration this holds an operating-system lock on a file beside the database (<c>history.db.migrating</c>), which
/// the kernel releases the moment its holder dies. Whoever holds it is the only dashboard migrating that file, so
/// a lock row found then was left by a dead process and is removed.
/// </summary>
public sealed class MigrationLock : IAsyncDisposable
{
    public const string EfLockTable = "__EFMigrationsLock";

    /// <summary>How long a start waits for another living dashboard to finish migrating the same file.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(2);

    private readonly FileStream? _file;

    private MigrationLock(FileStream? file) => _file = file;

    /// <summary>Takes the file lock and clears a stale EF lock row; the connection of <paramref name="db"/> must be open.</summary>
    /// <exception cref="TimeoutException">Another process held the file lock for longer than <paramref name="wait"/>; names the file.</exception>
    public static async Task<MigrationLock> AcquireAsync(DbContext db, ILogger logger, CancellationToken ct, TimeSpan? wait = null)
    {
        var connection = db.Database.GetDbConnection();
        var path = connection.DataSource;
        // Only a SQLite file has this problem; an in-memory database has no other process to wait for.
        if (!db.Database.IsSqlite() || string.IsNullOrEmpty(path) || path == ":memory:") return new MigrationLock(null);

        var database = Path.GetFullPath(path);
        var file = await OpenExclusiveAsync(database + ".migrating", database, wait ?? DefaultWait, ct);
        try
        {
            if (await ClearStaleRowAsync(connection, ct) is { } since)
            {
                logger.LogWarning(
                    "Removed the migration lock left in {Database} by a process that stopped while migrating (taken at {Since}).",
                    database, since);
            }
            return new MigrationLock(file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static async Task<FileStream> OpenExclusiveAsync(string lockFile, string database, TimeSpan wait, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an OS lock (flock on Unix): a second holder fails, a dead one holds nothing.
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < wait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
            catch (IOException e)
            {
                throw new TimeoutException(
                    $"The history database {database} is being migrated by another process for more than {wait.TotalSeconds:0} s " +
                    $"(it holds {lockFile}). Stop the other dashboard, or wait for it, then start again.", e);
            }
        }
    }

    /// <summary>The <c>Timestamp</c> of the row removed, or null when there was none.</summary>
    private static async Task<string?> ClearStaleRowAsync(DbConnection connection, CancellationToken ct)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{EfLockTable}';";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct)) == 0) return null;

        await using var delete = connection.CreateCommand();
        delete.CommandText = $"DELETE FROM \"{EfLockTable}\" RETURNING \"Timestamp\";";
        var since = await delete.ExecuteScalarAsync(ct);
        return since is null or DBNull ? null : Convert.ToString(since, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null) await _file.DisposeAsync();
    }
}
