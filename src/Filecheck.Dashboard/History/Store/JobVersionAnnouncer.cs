using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Tells every instance that a job has a new version in the store, in the transaction that writes it: pages watching the
/// job on an instance that does not poll it re-read it from the store.
/// </summary>
public sealed class JobVersionAnnouncer(IStoreBus bus) : IHistoryWriteListener
{
    public Task OnSavingAsync(DashboardDbContext db, CancellationToken ct)
    {
        var changed = db.ChangeTracker.Entries<JobRecord>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.Id)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return bus.PublishManyAsync(db, BusTopics.JobVersion, changed, ct);
    }

    public Task OnBulkFilledAsync(DashboardDbContext db, IReadOnlyList<FilledJob> jobs, CancellationToken ct) => Task.CompletedTask;
}
