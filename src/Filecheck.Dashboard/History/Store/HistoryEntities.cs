namespace Filecheck.Dashboard.History;

/// <summary>A job's latest known state, denormalized for search and trends, with its body (signed URLs removed).</summary>
public sealed class JobRecord
{
    public required string Id { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? ModifiedAt { get; set; }
    public string? Status { get; set; }
    public string? Outcome { get; set; }
    public string? Channel { get; set; }
    public string? WorkflowId { get; set; }
    public string? RuleId { get; set; }
    public string? OrderId { get; set; }
    public string? CustomerId { get; set; }
    public string? CustomerEmail { get; set; }
    /// <summary>Lower-case copy of <see cref="CustomerEmail"/>: SQLite compares case-sensitively on an index.</summary>
    public string? CustomerEmailLower { get; set; }
    public int FileCount { get; set; }
    public bool IsTerminal { get; set; }
    /// <summary>The stored body holds the job's full tasks and steps (from <c>GET /jobs/{id}</c>), current for its status.</summary>
    public bool HasDetails { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    /// <summary>Last time any source (list, webhook, lookup) reported it.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>Last full fetch (<c>GET /jobs/{id}</c>); null when only seen in the list.</summary>
    public DateTimeOffset? LastFetchedAt { get; set; }
    /// <summary>Set when retention removed the step details; the sync does not fetch them again.</summary>
    public DateTimeOffset? StepsPrunedAt { get; set; }
    /// <summary>The job as JSON with every signed URL removed.</summary>
    public required string Body { get; set; }
    /// <summary>
    /// A new random value whenever <see cref="Body"/> is written (an etag): a reader that holds the parsed body of this
    /// version checks it without reading the body again.
    /// </summary>
    public long BodyVersion { get; set; } = NewBodyVersion();

    public static long NewBodyVersion() => Random.Shared.NextInt64(1, long.MaxValue);
}

public sealed class TaskRecord
{
    public required string JobId { get; set; }
    public required string Id { get; set; }
    public int Position { get; set; }
    public string? Status { get; set; }
    public string? Outcome { get; set; }
    public string? FileType { get; set; }
    public string? MimeType { get; set; }
    public string? FileName { get; set; }
}

public sealed class StepRecord
{
    public required string JobId { get; set; }
    public required string TaskId { get; set; }
    public required string Id { get; set; }
    public int Position { get; set; }
    public string? Type { get; set; }
    public string? Status { get; set; }
    public string? Outcome { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset? Started { get; set; }
    public DateTimeOffset? Ended { get; set; }
    public double? DurationMs { get; set; }
}

/// <summary>An observed change of a job's status or outcome.</summary>
public sealed class JobSnapshot
{
    public long Id { get; set; }
    public required string JobId { get; set; }
    public string? Status { get; set; }
    public string? Outcome { get; set; }
    public DateTimeOffset SeenAt { get; set; }
    /// <summary>Which path saw it: list, details, lookup, webhook.</summary>
    public required string Source { get; set; }
}

/// <summary>The audit: who looked up, viewed or downloaded what of which job, when, and what they got.</summary>
public sealed class LookupRecord
{
    public long Id { get; set; }
    public required string JobId { get; set; }
    /// <summary>The user's stable ID (<c>oid</c>, else <c>sub</c>); rows from before it was kept hold the name.</summary>
    public required string UserId { get; set; }
    /// <summary>The display name at the time, for a person reading the audit.</summary>
    public required string UserName { get; set; }
    /// <summary>lookup, raw, proof or download.</summary>
    public string Action { get; set; } = "lookup";
    public DateTimeOffset At { get; set; }
    /// <summary>fresh, cache, stale, or failed:&lt;kind&gt; for lookups; what was shown or sent for proofs and downloads.</summary>
    public required string Result { get; set; }
}

/// <summary>The sync's cursor and health; one row (Id = 1).</summary>
public sealed class SyncStateRecord
{
    public int Id { get; set; }
    /// <summary>Newest job creation time held when the last head pass completed.</summary>
    public DateTimeOffset? HeadMark { get; set; }
    /// <summary>Where the first deep pass continues after a restart.</summary>
    public string? BackfillNextKey { get; set; }
    public bool BackfillDone { get; set; }
    public DateTimeOffset? LastRunStartedAt { get; set; }
    public DateTimeOffset? LastRunEndedAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
    public int ConsecutiveFailures { get; set; }
}
