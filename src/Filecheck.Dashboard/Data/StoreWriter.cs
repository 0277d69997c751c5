using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The one writer of the store in this process. SQLite allows one writer, so every write (jobs, rollups, audits, shares,
/// sync state) goes through this gate, in a transaction (BEGIN IMMEDIATE), committed even when the caller gives up once
/// the work is done. On PostgreSQL other processes write too: their saves meet on per-job locks, and a transaction
/// rolled back as a deadlock's victim is run again (a bounded number of times), so <c>work</c> must only touch the store.
/// </summary>
public sealed class StoreWriter(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator) : IDisposable
{
    /// <summary>How many times a transaction rolled back by a deadlock or serialization failure is run (PostgreSQL).</summary>
    public const int MaxAttempts = 5;

    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>Runs <paramref name="work"/> in a write transaction, then saves what it tracked and commits.</summary>
    public async Task<T> WriteAsync<T>(Func<DashboardDbContext, Task<T>> work, CancellationToken ct)
    {
        await migrator.EnsureReadyAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var db = await factory.CreateDbContextAsync(ct);
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    // Work under a lease (the sync, a job's watcher) writes only while its token holds (one instance on SQLite: always).
                    if (LeaseFence.Current is { } lease && db.IsPostgres()) await PostgresLeaseStore.CheckAsync(db, lease, ct);
                    var result = await work(db);
                    // Once the work is done, finish it: a cancellation here would only waste it.
                    await db.SaveChangesAsync(CancellationToken.None);
                    await tx.CommitAsync(CancellationToken.None);
                    return result;
                }
                // Another process's writer (PostgreSQL) chose this transaction as a deadlock's victim: it was rolled back whole, run it again.
                catch (Exception e) when (attempt < MaxAttempts && StoreSql.IsRetryable(e))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50) * attempt), ct);
                }
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();
}
