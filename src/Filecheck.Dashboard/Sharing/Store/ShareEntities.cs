namespace Filecheck.Dashboard.Sharing;

/// <summary>A share link: what it shows, to whom, until when. The token itself is never stored, only its hash.</summary>
public sealed class ShareRecord
{
    public long Id { get; set; }
    /// <summary>Hex SHA-256 of the token (unique).</summary>
    public required string TokenHash { get; set; }
    /// <summary>The order ID when every job of an order was shared; null for one job.</summary>
    public string? OrderId { get; set; }
    /// <summary>The creator's display name, as the list shows it.</summary>
    public required string CreatedBy { get; set; }
    /// <summary>The creator's stable ID (<c>oid</c>/<c>sub</c>): "My shares" matches on it; older rows hold the name.</summary>
    public string CreatedById { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public bool AllowDownloads { get; set; }
    public bool AskApproval { get; set; }
    public string? Note { get; set; }
    public string? RecipientName { get; set; }
    public string? RecipientEmail { get; set; }
    /// <summary>Views of the page, counted on the link: an anonymous view writes no audit row after the first.</summary>
    public int ViewCount { get; set; }
    public DateTimeOffset? FirstViewedAt { get; set; }
    public DateTimeOffset? LastViewedAt { get; set; }
    /// <summary>Proof images served, counted on the link (never a row each).</summary>
    public int ImageCount { get; set; }
    /// <summary>The customer may send a corrected file from the link (off unless customer success turns it on).</summary>
    public bool AllowUploads { get; set; }
    /// <summary>Corrected files the customer has sent (or is sending) on the link, counted against <c>Sharing:CorrectedFilesPerShare</c>.</summary>
    public int UploadCount { get; set; }
    public List<SharedFileRecord> Files { get; set; } = [];
    public List<ShareDecisionRecord> Decisions { get; set; } = [];
    /// <summary>Rounds after the first (the first is <see cref="Files"/>): a corrected job per file, on the same link.</summary>
    public List<ShareRoundRecord> Rounds { get; set; } = [];
}

/// <summary>One file of a share; the public routes address it by its position, never by a Filecheck ID.</summary>
public sealed class SharedFileRecord
{
    public long ShareId { get; set; }
    public int Position { get; set; }
    public required string JobId { get; set; }
    public required string TaskId { get; set; }
    /// <summary>The file's name when it was shared (the page shows the current one).</summary>
    public string? Name { get; set; }
}

/// <summary>The customer's answer for one round of one file of one share: at most one (unique on share, position, round), final.</summary>
public sealed class ShareDecisionRecord
{
    public long ShareId { get; set; }
    public int Position { get; set; }
    /// <summary>The round it answers (1 for the file as first shared).</summary>
    public int Round { get; set; } = 1;
    /// <summary><see cref="ShareDecisions.Approved"/> or <see cref="ShareDecisions.ChangesRequested"/>.</summary>
    public required string Decision { get; set; }
    public required string Name { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A decision still to be posted to the decision webhook: written in the decision's transaction (when a webhook is
/// configured), deleted once the chat took it or its attempts ran out, so a sender that dies leaves it to the next.
/// </summary>
public sealed class ShareWebhookDelivery
{
    public long Id { get; set; }
    public long ShareId { get; set; }
    public int Position { get; set; }
    public int Round { get; set; }
    /// <summary>Posts tried so far.</summary>
    public int Attempts { get; set; }
    /// <summary>Not before this (Unix milliseconds): the back-off after a failed post.</summary>
    public long NextAttemptAt { get; set; }
}

/// <summary>
/// Round 2 and later of one shared file: the corrected job (and its file) customer success added to the same link, with
/// what changed since the round before in the customer's words (worked out once, when the round was added).
/// </summary>
public sealed class ShareRoundRecord
{
    public long ShareId { get; set; }
    public int Position { get; set; }
    public int Round { get; set; }
    public required string JobId { get; set; }
    public required string TaskId { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public required string AddedBy { get; set; }
    /// <summary>The <see cref="Filecheck.Dashboard.Sharing.RoundChanges"/> as JSON.</summary>
    public string? Changes { get; set; }
}

/// <summary>
/// A corrected file the customer sent from the link for one round of one file: at most one (unique on share, position,
/// round). It is checked as a new job; when that job finishes it becomes the next round by itself.
/// </summary>
public sealed class ShareUploadRecord
{
    public long Id { get; set; }
    public long ShareId { get; set; }
    public int Position { get; set; }
    /// <summary>The round the file corrects (the new job becomes round + 1).</summary>
    public int Round { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The name the customer typed to confirm.</summary>
    public required string SentBy { get; set; }
    public required string FileName { get; set; }
    public long Bytes { get; set; }
    /// <summary>The new check's job, once Filecheck took it.</summary>
    public string? JobId { get; set; }
    /// <summary><see cref="CorrectedFileStates"/>.</summary>
    public required string State { get; set; }
    /// <summary>Why a corrected file did not become a round, in the customer's words.</summary>
    public string? Problem { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}

/// <summary>Where a corrected file is: on its way to Filecheck, being checked, added as the next round, or given up.</summary>
public static class CorrectedFileStates
{
    public const string Sending = "sending";
    public const string Checking = "checking";
    public const string Added = "added";
    public const string Failed = "failed";
}

/// <summary>
/// A customer's comment on one proof of one round of one file, pinned at (X, Y) in fractions of the image (0..1, so it
/// stays in place at any size), or a plain comment on the proof (no pin) from a browser without JavaScript.
/// </summary>
public sealed class ShareCommentRecord
{
    public long Id { get; set; }
    public long ShareId { get; set; }
    public int Position { get; set; }
    public int Round { get; set; }
    /// <summary>1-based, as the page numbers proofs.</summary>
    public int Proof { get; set; }
    public double? X { get; set; }
    public double? Y { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    /// <summary>Customer success's answer, shown to the customer under the comment.</summary>
    public string? Answer { get; set; }
    public string? AnsweredBy { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
}

/// <summary>
/// Who did what to a share, and when: create, the first view, download, decision, extend, revoke. Later views and every
/// image are counters on the link; rows go after <c>History:Retention:AuditAge</c> like the rest of the audit.
/// </summary>
public sealed class ShareAuditRecord
{
    public long Id { get; set; }
    public long ShareId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Action { get; set; }
    /// <summary>The signed-in user, or "recipient" for the link's holder.</summary>
    public required string Actor { get; set; }
    public string? Detail { get; set; }
}

public static class ShareDecisions
{
    public const string Approved = "approved";
    public const string ChangesRequested = "changes";
}

public static class ShareActions
{
    public const string Create = "create";
    public const string View = "view";
    public const string Image = "image";
    public const string Download = "download";
    public const string Decision = "decision";
    public const string Extend = "extend";
    public const string Revoke = "revoke";
    public const string Comment = "comment";
    public const string CommentEdit = "comment-edit";
    public const string CommentRemove = "comment-remove";
    public const string Answer = "answer";
    public const string Round = "round";
    /// <summary>The customer sent a corrected file (it is being checked).</summary>
    public const string Upload = "upload";
    /// <summary>A corrected file the customer sent became the next round by itself.</summary>
    public const string UploadRound = "upload-round";
    /// <summary>A corrected file could not be checked or added (the reason is in the detail).</summary>
    public const string UploadFailed = "upload-failed";
}
