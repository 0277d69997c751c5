using System.Security.Claims;

namespace Filecheck.Dashboard.Shell;

/// <summary>What a preflight finding did to a file: a problem left in it, a warning, or a fix applied.</summary>
public enum FindingKind { Problem, Warning, Fixed }

/// <summary>One finding of a file's check, worded as the job page words it for a customer.</summary>
public sealed record FileFinding(FindingKind Kind, string Text);

/// <summary>One file of a checked job: its name, its raw outcome and its findings.</summary>
public sealed record FileReport(string TaskId, string FileName, string? Outcome, IReadOnlyList<FileFinding> Findings);

/// <summary>A job's files with their findings, as another feature needs them (sharing compares two rounds with it).</summary>
public sealed record JobReport(string JobId, string? OrderId, bool IsFinished, IReadOnlyList<FileReport> Files)
{
    /// <summary>The job this one checked again from the dashboard ("Check again"), and that job's file, when it says so.</summary>
    public string? RecheckOf { get; init; }
    public string? RecheckFile { get; init; }
}

/// <summary>The report, or a reason a person can read.</summary>
public sealed record JobReportResult(JobReport? Report, string? Problem);

/// <summary>The port to a job's findings: Jobs implements it (with its lookup, audit and budget), others only read it.</summary>
public interface IJobReports
{
    Task<JobReportResult> GetAsync(string jobId, ClaimsPrincipal user, CancellationToken ct = default);

    /// <summary>The IDs of the jobs of an order the dashboard's history holds, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> JobsOfOrderAsync(string orderId, int limit, CancellationToken ct = default);
}
