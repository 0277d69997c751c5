
namespace Filecheck.Dashboard.Sharing;

/// <summary>One comment numbered as the customer's page numbers it (per file and round, in the order written).</summary>
public sealed record BoardComment(int Number, ShareCommentRecord Comment)
{
    public PinPosition? Pin => Comment.X is { } x && Comment.Y is { } y ? new PinPosition(x, y) : null;
}

/// <summary>The comments on one round of one shared file, with the share they came through.</summary>
public sealed record BoardRound(long ShareId, string? Customer, RoundFile File, bool IsCurrent, IReadOnlyList<BoardComment> Comments)
{
    /// <summary>The proofs that carry a comment, in order.</summary>
    public IReadOnlyList<int> Proofs => Comments.Select(c => c.Comment.Proof).Distinct().Order().ToList();

    public int Open => Comments.Count(c => c.Comment.Answer is null);
}

/// <summary>What staff and customer success see of the customer's comments: grouped by share, file and round. Pure.</summary>
public static class CommentBoard
{
    /// <param name="jobId">Only the rounds that show this job; every round with a comment when null.</param>
    public static IReadOnlyList<BoardRound> For(IEnumerable<ShareSummary> shares, string? jobId = null) =>
        shares.SelectMany(s => s.Comments
                .GroupBy(c => (c.Position, c.Round))
                .Select(g => (File: s.FileOf(g.Key.Position, g.Key.Round), Comments: g.OrderBy(c => c.Id).Select((c, i) => new BoardComment(i + 1, c)).ToList()))
                .Where(g => g.File is not null && (jobId is null || g.File.JobId == jobId))
                .Select(g => new BoardRound(s.Id, s.RecipientName ?? s.RecipientEmail, g.File!, g.File!.Round == s.CurrentRound(g.File.Position), g.Comments)))
            .OrderBy(r => r.ShareId).ThenBy(r => r.File.Position).ThenByDescending(r => r.File.Round)
            .ToList();
}
