using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Who looked up, viewed or downloaded what of which job, by stable user ID with the name beside it; a user's recent
/// lookups come from it. Kept for <c>History:Retention:AuditAge</c>.
/// </summary>
public sealed class LookupAudit(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, HistoryWriter writer, TimeProvider clock)
{
    public Task RecordAsync(string jobId, AuditUser user, string action, string result, CancellationToken ct = default) =>
        writer.WriteAsync(db =>
        {
            db.Lookups.Add(new LookupRecord
            {
                JobId = jobId, UserId = user.Id, UserName = user.Name, Action = action, Result = result, At = clock.GetUtcNow(),
            });
            return Task.FromResult(0);
        }, ct);

    /// <summary>Removes audit rows older than <paramref name="before"/>, a batch at a time; returns how many went.</summary>
    public Task<int> PruneAsync(DateTimeOffset before, int batchSize = 5000, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var limit = before.ToUnixTimeMilliseconds();
            // By the At index, oldest first, so that a long backlog goes in bounded transactions.
            return await db.Database.ExecuteSqlInterpolatedAsync(
                $"DELETE FROM \"Lookups\" WHERE \"Id\" IN (SELECT \"Id\" FROM \"Lookups\" WHERE \"At\" < {limit} ORDER BY \"At\" LIMIT {batchSize})", ct);
        }, ct);

    /// <summary>The jobs this user (by stable ID) looked up most recently, newest first, each once.</summary>
    public async Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userId, int count = 8, CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Ids grow with time; SQLite cannot order by DateTimeOffset.
        var lookups = await db.Lookups.AsNoTracking()
            .Where(l => l.UserId == userId && l.Action == AuditActions.Lookup && !l.Result.StartsWith("failed"))
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

/// <summary>A staff proof view or download as it waits in the read audit.</summary>
public sealed record LookupReadLine(string JobId, string UserId, string UserName, string Action, string Result, DateTimeOffset At);

/// <summary>Staff proof views and downloads, queued in the read audit, become audit rows like any lookup.</summary>
public sealed class LookupReadFold : IReadAuditFold
{
    public const string KindName = "staff-read";

    public string Kind => KindName;

    public Task FoldAsync(DashboardDbContext db, IReadOnlyList<JsonElement> lines, CancellationToken ct)
    {
        foreach (var line in lines)
        {
            var read = line.Deserialize<LookupReadLine>()!;
            db.Lookups.Add(new LookupRecord
            {
                JobId = read.JobId, UserId = read.UserId, UserName = read.UserName, Action = read.Action, Result = read.Result, At = read.At,
            });
        }
        return Task.CompletedTask;
    }
}
