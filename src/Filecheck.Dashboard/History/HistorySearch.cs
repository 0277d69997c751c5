using Filecheck.Dashboard.History.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>One job in a search result.</summary>
public sealed record JobSearchHit(
    string Id, DateTimeOffset? CreatedAt, string? Status, string? Outcome, string? OrderId, string? CustomerId,
    string? CustomerEmail, int FileCount, DateTimeOffset LastSeenAt, string MatchedOn);

/// <summary>A page of hits, newest job first; exact matches of the query come before prefix matches.</summary>
public sealed record JobSearchPage(string Query, IReadOnlyList<JobSearchHit> Hits, int Page, int PageSize, int Total, string? Problem)
{
    public int PageCount => Total == 0 ? 0 : (Total + PageSize - 1) / PageSize;
    public bool HasNext => Page < PageCount;
}

/// <summary>
/// Finds stored jobs by order ID, customer ID or customer email (exact or prefix; email case-insensitive), on the
/// server, a page at a time. Indexed range scans, not LIKE: a prefix "abc" is the range [abc, abc\uffff).
/// </summary>
public sealed class HistorySearch(IDbContextFactory<HistoryDbContext> factory, HistoryMigrator migrator)
{
    public const int MaxQueryLength = 200;
    public const int MinPrefixLength = 3;
    public const int MaxPageSize = 100;

    public async Task<JobSearchPage> SearchAsync(string? query, int page = 1, int pageSize = 25, CancellationToken ct = default)
    {
        var q = (query ?? "").Trim();
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        if (q.Length == 0) return new JobSearchPage(q, [], page, pageSize, 0, "Enter an order ID, a customer ID or a customer email.");
        if (q.Length > MaxQueryLength) return new JobSearchPage(q[..MaxQueryLength], [], page, pageSize, 0, "That is too long to be an order ID, customer ID or email.");
        if (q.Any(char.IsControl)) return new JobSearchPage("", [], page, pageSize, 0, "The search contains hidden control characters. Type or paste just the ID or email.");

        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var lower = q.ToLowerInvariant();
        var prefix = q.Length >= MinPrefixLength;
        var upper = q + '\uffff';
        var lowerUpper = lower + '\uffff';

        var matches = db.Jobs.AsNoTracking().Where(j =>
            j.OrderId == q || j.CustomerId == q || j.CustomerEmailLower == lower
            || (prefix && (
                (string.Compare(j.OrderId, q) > 0 && string.Compare(j.OrderId, upper) < 0)
                || (string.Compare(j.CustomerId, q) > 0 && string.Compare(j.CustomerId, upper) < 0)
                || (string.Compare(j.CustomerEmailLower, lower) > 0 && string.Compare(j.CustomerEmailLower, lowerUpper) < 0))));

        var total = await matches.CountAsync(ct);
        var rows = await matches
            .OrderByDescending(j => j.OrderId == q || j.CustomerId == q || j.CustomerEmailLower == lower)
            .ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(j => new { j.Id, j.CreatedAt, j.Status, j.Outcome, j.OrderId, j.CustomerId, j.CustomerEmail, j.CustomerEmailLower, j.FileCount, j.LastSeenAt })
            .ToListAsync(ct);
        var hits = rows.Select(j => new JobSearchHit(j.Id, j.CreatedAt, j.Status, j.Outcome, j.OrderId, j.CustomerId, j.CustomerEmail,
            j.FileCount, j.LastSeenAt,
            j.OrderId is { } o && o.StartsWith(q, StringComparison.Ordinal) ? "order"
            : j.CustomerId is { } c && c.StartsWith(q, StringComparison.Ordinal) ? "customer"
            : "email")).ToList();
        return new JobSearchPage(q, hits, page, pageSize, total, null);
    }
}
