using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs;

/// <summary>A job as the history holds it.</summary>
/// <param name="LastFetchedAt">The last full fetch; null when the job was only seen in the list.</param>
public sealed record StoredJob(Job Job, bool IsTerminal, bool HasDetails, DateTimeOffset? LastFetchedAt, DateTimeOffset LastSeenAt);

/// <summary>One of a user's recent lookups, with what the history knows of the job.</summary>
public sealed record RecentLookup(string JobId, DateTimeOffset At, string? Status, string? Outcome, string? OrderId, string? CustomerEmail);

/// <summary>Who did something, for the audit: a stable ID (<c>oid</c>/<c>sub</c>) and the name beside it.</summary>
public sealed record AuditUser(string Id, string Name);

/// <summary>What was done with a job, as the audit records it.</summary>
public static class AuditActions
{
    public const string Lookup = "lookup";
    public const string RawJson = "raw";
    public const string Proof = "proof";
    public const string Download = "download";
}

/// <summary>Where a job the Jobs feature hands to the history came from.</summary>
public static class JobSources
{
    public const string Lookup = "lookup";
    public const string Watch = "watch";
}

/// <summary>
/// What Jobs needs from a history of jobs: the History feature implements it; without one, <see cref="NoJobHistory"/>
/// keeps nothing. Implementations may throw: the lookup treats the history as a copy and carries on without it.
/// </summary>
public interface IJobHistory
{
    /// <summary>How long a stored terminal job is served without asking Filecheck.</summary>
    TimeSpan CacheAge { get; }

    Task<StoredJob?> GetAsync(string jobId, CancellationToken ct);

    /// <summary>Keeps a job read in full from Filecheck.</summary>
    Task SaveAsync(Job job, string source, CancellationToken ct);

    /// <summary>The audit: who looked up, viewed or downloaded what of which job (<see cref="AuditActions"/>), and what they got.</summary>
    /// <param name="user">Asked only when the audit is kept: outside a circuit there may be no user to ask.</param>
    Task RecordAccessAsync(string jobId, Func<Task<AuditUser>> user, string action, string result, CancellationToken ct);

    /// <summary>
    /// The audit of a read (a proof view, a download), queued durably and folded into the audit in batches: kept through a
    /// failing store and a graceful stop. Throws when it cannot be queued.
    /// </summary>
    void QueueReadAudit(string jobId, AuditUser user, string action, string result);

    /// <summary>The jobs this user (by stable ID) looked up most recently, newest first, each once.</summary>
    Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userId, int count, CancellationToken ct);
}

/// <summary>No history: nothing is stored, nothing is served from it, nothing is remembered.</summary>
public sealed class NoJobHistory : IJobHistory
{
    public TimeSpan CacheAge => TimeSpan.Zero;

    public Task<StoredJob?> GetAsync(string jobId, CancellationToken ct) => Task.FromResult<StoredJob?>(null);

    public Task SaveAsync(Job job, string source, CancellationToken ct) => Task.CompletedTask;

    public Task RecordAccessAsync(string jobId, Func<Task<AuditUser>> user, string action, string result, CancellationToken ct) => Task.CompletedTask;

    public void QueueReadAudit(string jobId, AuditUser user, string action, string result)
    {
    }

    public Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userId, int count, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RecentLookup>>([]);
}
