using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>What the history holds: one job, the jobs the sync still has to fetch, the counts the admin page shows.</summary>
public sealed class HistoryReads(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, StoredJobCopies? copies = null)
{
    private readonly StoredJobCopies _copies = copies ?? new StoredJobCopies();

    public async Task<StoredJob?> GetJobAsync(string jobId, CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        // The row without its body first: an unchanged body (same version) hands out the copy parsed before, so a cached
        // lookup costs neither reading the body nor parsing it.
        var head = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.IsTerminal, j.HasDetails, j.LastFetchedAt, j.LastSeenAt, j.BodyVersion })
            .FirstOrDefaultAsync(ct);
        if (head is null) return null;
        if (_copies.Get(jobId, head.BodyVersion) is { } copy) return new StoredJob(copy, head.IsTerminal, head.HasDetails, head.LastFetchedAt, head.LastSeenAt);
        var row = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (row is null || _copies.Put(row.Id, row.BodyVersion, row.Body, JobBody.Deserialize) is not { } job) return null;
        return new StoredJob(job, row.IsTerminal, row.HasDetails, row.LastFetchedAt, row.LastSeenAt);
    }

    /// <summary>
    /// Jobs whose details the sync should fetch: terminal ones without steps (newest first, never the pruned), then
    /// non-terminal ones last fetched before <paramref name="recheckBefore"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> PendingDetailsAsync(int max, DateTimeOffset recheckBefore, CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var recheck = await db.Jobs.AsNoTracking()
            .Where(j => !j.IsTerminal && (j.LastFetchedAt == null || j.LastFetchedAt < recheckBefore))
            .OrderByDescending(j => j.CreatedAt).Select(j => j.Id).Take(max).ToListAsync(ct);
        var terminal = await db.Jobs.AsNoTracking()
            .Where(j => j.IsTerminal && !j.HasDetails && j.StepsPrunedAt == null)
            .OrderByDescending(j => j.CreatedAt).Select(j => j.Id).Take(Math.Max(0, max - recheck.Count)).ToListAsync(ct);
        return [.. recheck, .. terminal];
    }

    public async Task<HistoryCounts> CountsAsync(CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var jobs = await db.Jobs.CountAsync(ct);
        var terminal = await db.Jobs.CountAsync(j => j.IsTerminal, ct);
        var withDetails = await db.Jobs.CountAsync(j => j.IsTerminal && (j.HasDetails || j.StepsPrunedAt != null), ct);
        var lookups = await db.Lookups.CountAsync(ct);
        return new HistoryCounts(jobs, terminal, withDetails, terminal - withDetails, jobs - terminal, lookups);
    }
}
