using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One file to share: which job and task, and its name for the audit and the lists.</summary>
public sealed record ShareFile(string JobId, string TaskId, string? Name);

/// <summary>What customer success asks for in the share dialog.</summary>
public sealed record ShareRequest
{
    public required IReadOnlyList<ShareFile> Files { get; init; }
    public int ExpiryDays { get; init; } = 7;
    public bool AllowDownloads { get; init; }
    public bool AskApproval { get; init; } = true;
    public string? Note { get; init; }
    public string? RecipientName { get; init; }
    public string? RecipientEmail { get; init; }
    /// <summary>Set when the files are every job of one order.</summary>
    public string? OrderId { get; init; }
}

/// <summary>A link just made: the token exists only here (and in the link customer success sends).</summary>
public sealed record CreatedShare(long Id, string Token, DateTimeOffset ExpiresAt);

/// <summary>Either the created share or a reason a person can read; nothing is written on a reason.</summary>
public sealed record ShareCreateResult(CreatedShare? Share, string? Error)
{
    public static ShareCreateResult Fail(string error) => new(null, error);
}

/// <summary>A live share as the public routes see it (the token already checked).</summary>
public sealed record ShareAccess(
    long Id, DateTimeOffset ExpiresAt, bool AllowDownloads, bool AskApproval, string? Note,
    IReadOnlyList<SharedFileRecord> Files, IReadOnlyList<ShareDecisionRecord> Decisions);

/// <summary>Open: a live link that asks no approval.</summary>
public enum ShareState { Awaiting, Approved, ChangesRequested, Open, Expired, Revoked }

/// <summary>A share as "My shares" and the job page see it.</summary>
public sealed record ShareSummary(
    long Id, string? OrderId, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, string? RevokedBy, bool AllowDownloads, bool AskApproval, string? Note,
    string? RecipientName, string? RecipientEmail, int ViewCount, DateTimeOffset? LastViewedAt, int ImageCount,
    IReadOnlyList<SharedFileRecord> Files, IReadOnlyList<ShareDecisionRecord> Decisions, ShareState State)
{
    public IReadOnlyList<string> JobIds => Files.Select(f => f.JobId).Distinct().ToList();
}

public enum DecisionOutcome { Recorded, AlreadyDecided, Invalid, Gone }

public sealed record DecisionResult(DecisionOutcome Outcome, string? Message = null);

/// <summary>A customer's decision, as the notifier and the webhook pass it on.</summary>
public sealed record ShareDecisionEvent(
    long ShareId, string JobId, string TaskId, string? FileName, string Decision, string Name, string? Note,
    DateTimeOffset At, string CreatedBy, string? RecipientName);
