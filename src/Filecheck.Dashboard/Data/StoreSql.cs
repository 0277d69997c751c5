using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// What differs between the engines where the store speaks SQL itself: which engine a context is on, the per-job lock
/// a save takes on PostgreSQL, the failures worth trying again, and a clear refusal where the PostgreSQL form is not built yet.
/// </summary>
public static class StoreSql
{
    public static bool IsPostgres(this DashboardDbContext db) => db is PostgresDashboardDbContext;

    /// <summary>
    /// Locks the named jobs until the transaction ends (PostgreSQL advisory locks, in sorted order so two saves never wait
    /// on each other crosswise): a job's old rollup contribution is then read and replaced by one writer at a time, and an
    /// older answer cannot overwrite a newer one saved in between. SQLite has one writer already: nothing to do.
    /// </summary>
    public static async Task LockJobsAsync(this DashboardDbContext db, IEnumerable<string> jobIds, CancellationToken ct)
    {
        if (!db.IsPostgres()) return;
        var keys = jobIds.Distinct(StringComparer.Ordinal).Select(JobLockKey).Distinct().Order().ToArray();
        if (keys.Length == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        // One round trip; a batch runs its statements in order, so the locks are taken in the sorted order.
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
        foreach (var key in keys) batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = key } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The advisory locks of the days' rollups, in their own key space (two 32-bit keys: a class and the day's number; PostgreSQL
    /// keeps it apart from the jobs' 64-bit keys). A save takes them shared for every day it counts a job on, and one
    /// shared lock on the whole history; a rebuild of a day takes that day's exclusively, and the marginals' re-sum the
    /// whole history's: a rebuild then never reads a day half written, nor writes under a save of it.
    /// </summary>
    private const int DayLockClass = 0x46430014;

    /// <summary>The key of "every day", which no day's number takes (they start at 0001-01-01, number 0, … so it is -1).</summary>
    private const int AllDays = -1;

    /// <summary>Shared locks on the days a save counts jobs on (and on the whole history), until the transaction ends. SQLite: nothing to do.</summary>
    public static async Task LockDaysSharedAsync(this DashboardDbContext db, IEnumerable<DateOnly> days, CancellationToken ct)
    {
        if (!db.IsPostgres()) return;
        var keys = days.Select(d => d.DayNumber).Append(AllDays).Distinct().Order().ToArray();
        await db.Database.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
        foreach (var key in keys)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock_shared($1, $2)")
            {
                Parameters = { new() { Value = DayLockClass }, new() { Value = key } },
            });
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The exclusive lock of one day (<paramref name="day"/>) or of the whole history (null), until the transaction ends.</summary>
    public static async Task LockDayExclusiveAsync(this DashboardDbContext db, DateOnly? day, CancellationToken ct)
    {
        if (!db.IsPostgres()) return;
        await db.Database.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", (NpgsqlConnection)db.Database.GetDbConnection());
        command.Parameters.Add(new() { Value = DayLockClass });
        command.Parameters.Add(new() { Value = day?.DayNumber ?? AllDays });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A stable 64-bit key per job ID (the first 8 bytes of its SHA-256), the same in every process.</summary>
    internal static long JobLockKey(string jobId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("job:" + jobId), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>A deadlock or serialization failure (PostgreSQL): the transaction was rolled back and may simply run again.</summary>
    public static bool IsRetryable(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        DbUpdateException { InnerException: { } inner } => IsRetryable(inner),
        // A query (not a save) that met one: EF wraps it as a transient failure.
        InvalidOperationException { InnerException: { } inner } => IsRetryable(inner),
        _ => false,
    };

    /// <summary>The SQLite connection of a part that speaks SQLite only; on PostgreSQL a refusal that says what is not built yet.</summary>
    public static SqliteConnection SqliteOnly(this DbConnection connection, string what) => connection as SqliteConnection ??
        throw new NotSupportedException(
            $"{what} is not built for PostgreSQL yet ({StoreOptions.ProviderKey}=Postgres, issue 20); set {StoreOptions.ProviderKey}=Sqlite.");
}
