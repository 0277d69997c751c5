using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One file's answer on one share, as the job page's approval panel lists it.</summary>
public sealed record FileApproval(string TaskId, string FileName, long ShareId, string? RecipientName, ShareState ShareState, ShareDecisionRecord? Decision)
{
    /// <summary>The round of the file this job is on that share (1 unless it came back as a corrected file).</summary>
    public int Round { get; init; } = 1;

    /// <summary>The job that round shows.</summary>
    public string? JobId { get; init; }
}

public static class ProofApprovals
{
    /// <summary>
    /// Per shared file of <paramref name="jobId"/> (as round 1 or a later round): the answer to every round of that file
    /// on every share that holds it, newest share first, earlier rounds first; an unanswered round only while it is the
    /// current one. The original job's page so shows how its corrected file was answered, and the other way round.
    /// </summary>
    public static IReadOnlyList<FileApproval> ForJob(IEnumerable<ShareSummary> shares, string jobId) =>
        shares.SelectMany(s =>
            {
                var all = ShareRoundFiles.All(s.Files, s.Rounds).ToList();
                var positions = all.Where(f => f.JobId == jobId).Select(f => f.Position).ToHashSet();
                return all.Where(f => positions.Contains(f.Position)).Select(f => new FileApproval(
                    f.TaskId, f.Name ?? f.TaskId, s.Id, s.RecipientName ?? s.RecipientEmail,
                    f.Round == s.CurrentRound(f.Position) ? s.State : ShareState.Open,
                    s.Decisions.FirstOrDefault(d => d.Position == f.Position && d.Round == f.Round)) { Round = f.Round, JobId = f.JobId });
            })
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
