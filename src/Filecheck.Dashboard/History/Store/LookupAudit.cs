using Filecheck.Dashboard.History.Data;
using Filecheck.Dashboard.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>Who looked up which job and what they were shown; a user's recent lookups come from it.</summary>
public sealed class LookupAudit(IDbContextFactory<HistoryDbContext> factory, HistoryMigrator migrator, HistoryWriter writer, TimeProvider clock)
{
    /// <summary>The audit: who looked up which job, and what they were shown.</summary>
    public Task RecordLookupAsync(string jobId, string userName, string result, CancellationToken ct = default) =>
        writer.WriteAsync(db =>
        {
            db.Lookups.Add(new LookupRecord { JobId = jobId, UserName = userName, Result = result, At = clock.GetUtcNow() });
            return Task.FromResult(0);
        }, ct);

    /// <summary>The jobs this user looked up most recently, newest first, each once.</summary>
    public async Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userName, int count = 8, CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Ids grow with time; SQLite cannot order by DateTimeOffset.
        var lookups = await db.Lookups.AsNoTracking()
            .Where(l => l.UserName == userName && !l.Result.StartsWith("failed"))
            .OrderByDescending(l => l.Id).Take(count * 5)
            .Select(l => new { l.JobId, l.At })
            .ToListAsync(ct);
        var latest = lookups.DistinctBy(l => l.JobId).Take(count).ToList();
        var ids = latest.Select(l => l.JobId).ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id))
            .Select(j => new { j.Id, j.Status, j.Outcome, j.OrderId, j.CustomerEmail }).ToDictionaryAsync(j => j.Id, ct);
        return latest.Select(l => jobs.TryGetValue(l.JobId, out var j)
                ? new RecentLookup(l.JobId, l.At, j.Status, j.Outcome, j.OrderId, j.CustomerEmail)
                : new RecentLookup(l.JobId, l.At, null, null, null, null))
            .ToList();
    }
}
