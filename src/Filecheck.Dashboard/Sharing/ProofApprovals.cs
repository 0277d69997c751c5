using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One file's answer on one share, as the job page's approval panel lists it.</summary>
public sealed record FileApproval(string TaskId, string FileName, long ShareId, string? RecipientName, ShareState ShareState, ShareDecisionRecord? Decision);

public static class ProofApprovals
{
    /// <summary>Per shared file of <paramref name="jobId"/>: the answer of every share that holds it, newest share first.</summary>
    public static IReadOnlyList<FileApproval> ForJob(IEnumerable<ShareSummary> shares, string jobId) =>
        shares.SelectMany(s => s.Files.Where(f => f.JobId == jobId).Select(f => new FileApproval(
                f.TaskId, f.Name ?? f.TaskId, s.Id, s.RecipientName ?? s.RecipientEmail, s.State,
                s.Decisions.FirstOrDefault(d => d.Position == f.Position))))
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
