using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>Where the sync is: its cursors and its last runs, as the admin page and the sync read them.</summary>
public sealed record SyncState(
    DateTimeOffset? HeadMark, string? BackfillNextKey, bool BackfillDone, DateTimeOffset? LastRunStartedAt,
    DateTimeOffset? LastRunEndedAt, DateTimeOffset? LastSuccessAt, string? LastError, DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures)
{
    internal static SyncState From(SyncStateRecord r) => new(r.HeadMark, r.BackfillNextKey, r.BackfillDone, r.LastRunStartedAt,
        r.LastRunEndedAt, r.LastSuccessAt, r.LastError, r.LastErrorAt, r.ConsecutiveFailures);
}

/// <summary>The sync's one state row: read as a plain record, changed only through the writer.</summary>
public sealed class SyncStateStore(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, HistoryWriter writer)
{
    public async Task<SyncState> GetAsync(CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return SyncState.From(await db.SyncState.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct) ?? new SyncStateRecord { Id = 1 });
    }

    public Task UpdateAsync(Action<SyncStateRecord> update, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            update(await RowAsync(db, ct));
            return 0;
        }, ct);

    /// <summary>The state row inside a write transaction, made on first use.</summary>
    internal static async Task<SyncStateRecord> RowAsync(DashboardDbContext db, CancellationToken ct)
    {
        var row = await db.SyncState.FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (row is null)
        {
            row = new SyncStateRecord { Id = 1 };
            db.SyncState.Add(row);
        }
        return row;
    }
}
