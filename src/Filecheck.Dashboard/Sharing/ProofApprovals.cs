using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One file's answer on one share, as the job page's approval panel lists it.</summary>
public sealed record FileApproval(string TaskId, string FileName, long ShareId, string? RecipientName, ShareState ShareState, ShareDecisionRecord? Decision)
{
    /// <summary>The round of the file this job is on that share (1 unless it came back as a corrected file).</summary>
    public int Round { get; init; } = 1;
}

public static class ProofApprovals
{
    /// <summary>
    /// Per shared file of <paramref name="jobId"/> (as round 1 or a later round): the answer of every share that holds
    /// it for that round, newest share first; an unanswered round only while it is the current one.
    /// </summary>
    public static IReadOnlyList<FileApproval> ForJob(IEnumerable<ShareSummary> shares, string jobId) =>
        shares.SelectMany(s => ShareRoundFiles.All(s.Files, s.Rounds).Where(f => f.JobId == jobId).Select(f => new FileApproval(
                f.TaskId, f.Name ?? f.TaskId, s.Id, s.RecipientName ?? s.RecipientEmail, s.State,
                s.Decisions.FirstOrDefault(d => d.Position == f.Position && d.Round == f.Round)) { Round = f.Round }
                with { ShareState = f.Round == s.CurrentRound(f.Position) ? s.State : ShareState.Open }))
            .Where(a => a.Decision is not null || a.ShareState is ShareState.Awaiting)
            .ToList();

    public static string Describe(ShareState state) => state switch
    {
        ShareState.Awaiting => "Awaiting answer",
        ShareState.Approved => "Approved",
        ShareState.ChangesRequested => "Changes requested",
        ShareState.Open => "Open",
        ShareState.Expired => "Expired",
        ShareState.Revoked => "Revoked",
        _ => state.ToString(),
    };
}
