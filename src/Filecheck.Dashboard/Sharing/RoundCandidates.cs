using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Sharing;

/// <summary>A file of a live share that a job may be the next round of, and why it is offered.</summary>
public sealed record RoundOffer(long ShareId, int Position, int NextRound, string? FileName, string? RecipientName, string Why);

/// <summary>
/// Which live shares a checked job could join as the next round: a file the job was checked again from ("Check again"
/// writes the original job in the new job's metaData), or a file of the same order and file name (a later job of the
/// order). Pure: the shares and the shared jobs' orders come in, the offers go out.
/// </summary>
public static class RoundCandidates
{
    public const int MaxOffers = 5;

    /// <param name="orders">The order of shared jobs where known (see <see cref="JobsNeedingOrder"/>).</param>
    public static IReadOnlyList<RoundOffer> For(JobReport job, IEnumerable<ShareSummary> shares, IReadOnlyDictionary<string, string?> orders, DateTimeOffset now)
    {
        var rechecks = new List<RoundOffer>();
        var sameOrder = new List<RoundOffer>();
        foreach (var (share, position, current, rounds) in OpenFiles(job, shares, now))
        {
            var next = share.CurrentRound(position) + 1;
            if (job.RecheckOf is { } of && rounds.FirstOrDefault(r => r.JobId == of && (job.RecheckFile is null || r.TaskId == job.RecheckFile)) is { } origin)
                rechecks.Add(new RoundOffer(share.Id, position, next, current.Name, share.RecipientName, $"checked again from round {origin.Round}"));
            else if (NameMatches(job, current) && job.OrderId is { } order
                     && (share.OrderId == order || orders.GetValueOrDefault(current.JobId) == order))
                sameOrder.Add(new RoundOffer(share.Id, position, next, current.Name, share.RecipientName, $"same order {order} and file name"));
        }
        return rechecks.Concat(sameOrder).Take(MaxOffers).ToList();
    }

    /// <summary>The shared jobs whose order must be read to decide a file-name match (at most <see cref="MaxOffers"/>).</summary>
    public static IReadOnlyList<string> JobsNeedingOrder(JobReport job, IEnumerable<ShareSummary> shares, DateTimeOffset now) =>
        job.OrderId is null ? [] : OpenFiles(job, shares, now)
            .Where(f => f.Share.OrderId is null && NameMatches(job, f.Current) && (job.RecheckOf is null || f.Rounds.All(r => r.JobId != job.RecheckOf)))
            .Select(f => f.Current.JobId).Distinct().Take(MaxOffers).ToList();

    /// <summary>Whether any live share has a file still open for a next round (so a page need not read the job at all).</summary>
    public static bool AnyOpen(IEnumerable<ShareSummary> shares, DateTimeOffset now) =>
        shares.Any(s => s.IsLive(now) && s.Files.Any(f => !Approved(s, f.Position)));

    private static IEnumerable<(ShareSummary Share, int Position, RoundFile Current, List<RoundFile> Rounds)> OpenFiles(JobReport job, IEnumerable<ShareSummary> shares, DateTimeOffset now)
    {
        foreach (var share in shares.Where(s => s.IsLive(now)))
            foreach (var position in share.Files.Select(f => f.Position).Distinct())
            {
                var rounds = ShareRoundFiles.All(share.Files, share.Rounds).Where(r => r.Position == position).ToList();
                if (Approved(share, position) || rounds.Any(r => r.JobId == job.JobId)) continue;
                if (share.FileOf(position, share.CurrentRound(position)) is { } current) yield return (share, position, current, rounds);
            }
    }

    private static bool Approved(ShareSummary share, int position) =>
        share.Decisions.Any(d => d.Position == position && d.Round == share.CurrentRound(position) && d.Decision == ShareDecisions.Approved);

    private static bool NameMatches(JobReport job, RoundFile current) =>
        current.Name is { } name && job.Files.Any(f => string.Equals(f.FileName, name, StringComparison.OrdinalIgnoreCase));
}
