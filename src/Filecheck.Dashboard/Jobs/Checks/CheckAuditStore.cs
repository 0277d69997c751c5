using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>The new-check audit in the store (table <c>Checks</c>).</summary>
public sealed class CheckAuditStore(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, StoreWriter writer) : ICheckAudit
{
    public Task RecordAsync(CheckAuditEntry entry, CancellationToken ct = default) =>
        writer.WriteAsync(db =>
        {
            db.Checks.Add(new CheckRecord
            {
                UserKey = entry.UserKey, UserName = entry.UserName, At = entry.At, Note = entry.Note,
                OriginalJobId = entry.OriginalJobId, OriginalTaskId = entry.OriginalTaskId, Source = entry.Source, Steps = entry.Steps,
                NewJobId = entry.NewJobId, Result = entry.Result,
            });
            return Task.FromResult(0);
        }, ct);

    public async Task<IReadOnlyList<CheckAuditEntry>> RecentAsync(int count, CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Checks.AsNoTracking().OrderByDescending(c => c.Id).Take(count)
            .Select(c => new CheckAuditEntry(c.UserKey, c.UserName, c.At, c.Note, c.OriginalJobId, c.OriginalTaskId, c.Source, c.Steps, c.NewJobId, c.Result))
            .ToListAsync(ct);
    }
}
