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
    /// <summary>The customer may send a corrected file from the link (off by default).</summary>
    public bool AllowUploads { get; init; }
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
    IReadOnlyList<SharedFileRecord> Files, IReadOnlyList<ShareDecisionRecord> Decisions, IReadOnlyList<ShareRoundRecord> Rounds)
{
    public int CurrentRound(int position) => ShareRoundFiles.CurrentRound(Rounds, position);

    /// <summary>The customer may send corrected files from this link.</summary>
    public bool AllowUploads { get; init; }

    /// <summary>Corrected files sent on the link so far (its budget counts them).</summary>
    public int UploadCount { get; init; }

    /// <summary>The corrected files sent on the link (read only when <see cref="AllowUploads"/>).</summary>
    public IReadOnlyList<ShareUploadRecord> Uploads { get; init; } = [];

    /// <summary>The corrected file sent for round <paramref name="round"/> of a file, if any.</summary>
    public ShareUploadRecord? UploadFor(int position, int round) => Uploads.FirstOrDefault(u => u.Position == position && u.Round == round);

    /// <summary>The job and file shown as round <paramref name="round"/> of the file at <paramref name="position"/>, or null.</summary>
    public RoundFile? FileOf(int position, int round) => ShareRoundFiles.FileOf(Files, Rounds, position, round);

    public ShareDecisionRecord? DecisionOf(int position, int round) => Decisions.FirstOrDefault(d => d.Position == position && d.Round == round);
}

/// <summary>One round of one shared file: which job and file it shows.</summary>
public sealed record RoundFile(int Position, int Round, string JobId, string TaskId, string? Name);

/// <summary>Round 1 is the file as shared; later rounds are rows of their own. One place says which is which.</summary>
public static class ShareRoundFiles
{
    public static int CurrentRound(IEnumerable<ShareRoundRecord> rounds, int position) =>
        rounds.Where(r => r.Position == position).Select(r => r.Round).DefaultIfEmpty(1).Max();

    public static RoundFile? FileOf(IEnumerable<SharedFileRecord> files, IEnumerable<ShareRoundRecord> rounds, int position, int round)
    {
        if (round == 1)
        {
            return files.FirstOrDefault(f => f.Position == position) is { } f ? new RoundFile(position, 1, f.JobId, f.TaskId, f.Name) : null;
        }
        return rounds.FirstOrDefault(r => r.Position == position && r.Round == round) is { } r ? new RoundFile(position, round, r.JobId, r.TaskId, r.Name) : null;
    }

    /// <summary>Every round of every file, round 1 first.</summary>
    public static IEnumerable<RoundFile> All(IEnumerable<SharedFileRecord> files, IEnumerable<ShareRoundRecord> rounds) =>
        files.Select(f => new RoundFile(f.Position, 1, f.JobId, f.TaskId, f.Name))
            .Concat(rounds.Select(r => new RoundFile(r.Position, r.Round, r.JobId, r.TaskId, r.Name)))
            .OrderBy(r => r.Position).ThenBy(r => r.Round);
}

/// <summary>Open: a live link that asks no approval.</summary>
public enum ShareState { Awaiting, Approved, ChangesRequested, Open, Expired, Revoked }

/// <summary>A share as "My shares" and the job page see it.</summary>
public sealed record ShareSummary(
    long Id, string? OrderId, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, string? RevokedBy, bool AllowDownloads, bool AskApproval, string? Note,
    string? RecipientName, string? RecipientEmail, int ViewCount, DateTimeOffset? LastViewedAt, int ImageCount,
    IReadOnlyList<SharedFileRecord> Files, IReadOnlyList<ShareDecisionRecord> Decisions, ShareState State)
{
    public IReadOnlyList<ShareRoundRecord> Rounds { get; init; } = [];
    public IReadOnlyList<ShareCommentRecord> Comments { get; init; } = [];
    /// <summary>The customer may send corrected files from the link, and how many they have sent.</summary>
    public bool AllowUploads { get; init; }
    public int UploadCount { get; init; }

    public IReadOnlyList<string> JobIds => Files.Select(f => f.JobId).Distinct().ToList();

    /// <summary>Every job the link shows in any round (the job page of a corrected job lists the share too).</summary>
    public IReadOnlyList<string> AllJobIds => Files.Select(f => f.JobId).Concat(Rounds.Select(r => r.JobId)).Distinct().ToList();

    public int CurrentRound(int position) => ShareRoundFiles.CurrentRound(Rounds, position);

    public RoundFile? FileOf(int position, int round) => ShareRoundFiles.FileOf(Files, Rounds, position, round);

    /// <summary>Comments customer success has not answered yet.</summary>
    public int OpenComments => Comments.Count(c => c.Answer is null);

    public bool IsLive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

public enum DecisionOutcome { Recorded, AlreadyDecided, Invalid, Gone }

public enum CommentAction { Add, Edit, Remove }

/// <summary>What the customer's comment form asks for, as posted (every field still text: the service checks it).</summary>
public sealed record CommentPost(CommentAction Action, int Position, string? Round, string? Proof, string? X, string? Y, string? Text, string? CommentId);

/// <summary>A change on a share that open pages should show at once (a comment, an answer, a round, a decision).</summary>
public sealed record ShareChangeEvent(long ShareId, IReadOnlyList<string> JobIds, string Action);

public sealed record DecisionResult(DecisionOutcome Outcome, string? Message = null);

/// <summary>A customer's decision, as the notifier and the webhook pass it on.</summary>
public sealed record ShareDecisionEvent(
    long ShareId, string JobId, string TaskId, string? FileName, string Decision, string Name, string? Note,
    DateTimeOffset At, string CreatedBy, string? RecipientName)
{
    /// <summary>The round the decision answers (1 unless a corrected file was added).</summary>
    public int Round { get; init; } = 1;

    /// <summary>Every job the share shows in any round: their pages list this decision too.</summary>
    public IReadOnlyList<string> AllJobIds { get; init; } = [];
}
