using Filecheck.Dashboard.History.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>
/// The one writer of the history. SQLite allows one writer, so every write (jobs, audit, sync state) goes through this
/// gate, in a transaction (BEGIN IMMEDIATE), committed even when the caller gives up once the work is done.
/// </summary>
public sealed class HistoryWriter(IDbContextFactory<HistoryDbContext> factory, HistoryMigrator migrator, Rollups.RollupWriter rollups) : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task<T> WriteAsync<T>(Func<HistoryDbContext, Task<T>> work, CancellationToken ct)
    {
        await migrator.EnsureReadyAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(db);
            // Changes detected once: the rollups read them, and the save below writes them without scanning every row again.
            db.ChangeTracker.DetectChanges();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            // The trends' daily rollups change in the same transaction as the rows they count.
            await rollups.ApplyAsync(db, CancellationToken.None);
            // Once the work is done, finish it: a cancellation here would only waste it.
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();
}
