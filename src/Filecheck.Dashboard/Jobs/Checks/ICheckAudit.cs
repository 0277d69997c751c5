namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>One new check asked for from the dashboard: who, why, on what, and what Filecheck answered.</summary>
public sealed record CheckAuditEntry(
    string UserKey, string UserName, DateTimeOffset At, string Note, string? OriginalJobId, string? OriginalTaskId,
    string Source, string Steps, string? NewJobId, string Result);

/// <summary>Where new checks are audited; the history implements it.</summary>
public interface ICheckAudit
{
    Task RecordAsync(CheckAuditEntry entry, CancellationToken ct = default);

    Task<IReadOnlyList<CheckAuditEntry>> RecentAsync(int count, CancellationToken ct = default);
}
