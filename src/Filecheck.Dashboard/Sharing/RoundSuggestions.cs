using System.Security.Claims;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Sharing;

/// <summary>A finished later job of the share's order that holds a file of the same name: a likely next round.</summary>
public sealed record RoundSuggestion(string JobId, string FileName, string? Outcome);

/// <summary>
/// Suggests the next round of a shared file in the round form: the order's jobs newer than the current round's job
/// (from the dashboard's history, through the Shell's <see cref="IJobReports"/>) that hold a file of the same name.
/// Each candidate is read as the user (audited, within their budget), so only a few are read.
/// </summary>
public sealed class RoundSuggestions(IJobReports reports)
{
    public const int MaxReads = 5;

    public async Task<IReadOnlyList<RoundSuggestion>> ForAsync(ShareSummary share, int position, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (share.FileOf(position, share.CurrentRound(position)) is not { Name: { } name } current) return [];
        var order = share.OrderId ?? (await reports.GetAsync(current.JobId, user, ct)).Report?.OrderId;
        if (order is null) return [];
        var newestFirst = await reports.JobsOfOrderAsync(order, 50, ct);
        var found = new List<RoundSuggestion>();
        foreach (var id in Later(newestFirst, current.JobId, share.AllJobIds).Take(MaxReads))
        {
            var report = (await reports.GetAsync(id, user, ct)).Report;
            if (report is { IsFinished: true } && report.Files.FirstOrDefault(f => string.Equals(f.FileName, name, StringComparison.OrdinalIgnoreCase)) is { } file)
                found.Add(new RoundSuggestion(id, file.FileName, file.Outcome));
        }
        return found;
    }

    /// <summary>Of an order's jobs listed newest first, those newer than the current round's job and not on the link already.</summary>
    public static IEnumerable<string> Later(IReadOnlyList<string> newestFirst, string currentJobId, IEnumerable<string> shared)
    {
        var onLink = shared.ToHashSet(StringComparer.Ordinal);
        var at = newestFirst.ToList().IndexOf(currentJobId);
        return (at < 0 ? newestFirst : newestFirst.Take(at)).Where(id => !onLink.Contains(id));
    }
}
