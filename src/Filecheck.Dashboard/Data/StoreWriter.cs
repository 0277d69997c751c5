using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The one writer of the store. SQLite allows one writer, so every write (jobs, rollups, audits, shares, sync state)
/// goes through this gate, in a transaction (BEGIN IMMEDIATE), committed even when the caller gives up once the work is done.
/// </summary>
public sealed class StoreWriter(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator) : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>Runs <paramref name="work"/> in a write transaction, then saves what it tracked and commits.</summary>
    public async Task<T> WriteAsync<T>(Func<DashboardDbContext, Task<T>> work, CancellationToken ct)
    {
        await migrator.EnsureReadyAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(db);
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
