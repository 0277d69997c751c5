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
    public List<SharedFileRecord> Files { get; set; } = [];
    public List<ShareDecisionRecord> Decisions { get; set; } = [];
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

/// <summary>The customer's answer for one file of one share: at most one (unique on share and position), final.</summary>
public sealed class ShareDecisionRecord
{
    public long ShareId { get; set; }
    public int Position { get; set; }
    /// <summary><see cref="ShareDecisions.Approved"/> or <see cref="ShareDecisions.ChangesRequested"/>.</summary>
    public required string Decision { get; set; }
    public required string Name { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset At { get; set; }
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
}
