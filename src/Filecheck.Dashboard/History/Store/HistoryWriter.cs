using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.History;

/// <summary>
/// What must change with the history's rows, in their transaction: a feature that keeps figures derived from jobs
/// (the trends' rollups) implements it and registers it; History calls every one without knowing who they are.
/// </summary>
public interface IHistoryWriteListener
{
    /// <summary>After a write's work, before its save, with its changes detected (read them from the change tracker).</summary>
    Task OnSavingAsync(DashboardDbContext db, CancellationToken ct);

    /// <summary>After <see cref="HistoryBulkFill"/> inserted <paramref name="jobs"/> by hand (no change tracking), in its transaction.</summary>
    Task OnBulkFilledAsync(DashboardDbContext db, IReadOnlyList<FilledJob> jobs, CancellationToken ct);
}

/// <summary>A job the bulk fill inserted: its row and its task and step rows.</summary>
public sealed record FilledJob(JobRecord Row, IReadOnlyList<TaskRecord> Tasks, IReadOnlyList<StepRecord> Steps);

/// <summary>
/// History's writes (jobs, lookups, sync state) through the store's one gate, with what derives from the rows
/// (<see cref="IHistoryWriteListener"/>) written in the same transaction.
/// </summary>
public sealed class HistoryWriter(StoreWriter store, IEnumerable<IHistoryWriteListener> listeners)
{
    private readonly IHistoryWriteListener[] _listeners = [.. listeners];

    public Task<T> WriteAsync<T>(Func<DashboardDbContext, Task<T>> work, CancellationToken ct) =>
        store.WriteAsync(async db =>
        {
            var result = await work(db);
            // Changes detected once: the listeners read them, and the save writes them without scanning every row again.
            db.ChangeTracker.DetectChanges();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            // The trends' daily rollups change in the same transaction as the rows they count.
            foreach (var listener in _listeners) await listener.OnSavingAsync(db, CancellationToken.None);
            return result;
        }, ct);
}
