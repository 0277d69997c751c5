namespace Filecheck.Dashboard.History.Data;

/// <summary>The audit of a new check run from the dashboard: who asked, why, on what, and what Filecheck answered.</summary>
public sealed class CheckRecord
{
    public long Id { get; set; }
    /// <summary>The user's stable ID (oid/sub), not the display name.</summary>
    public required string UserKey { get; set; }
    public required string UserName { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Note { get; set; }
    public string? OriginalJobId { get; set; }
    public string? OriginalTaskId { get; set; }
    /// <summary>"upload upload_…" or "url https://…".</summary>
    public required string Source { get; set; }
    public required string Steps { get; set; }
    public string? NewJobId { get; set; }
    /// <summary>submitted, or refused:&lt;kind&gt;.</summary>
    public required string Result { get; set; }
}
