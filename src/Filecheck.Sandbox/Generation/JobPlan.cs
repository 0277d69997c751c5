using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Generation;

/// <summary>
/// Everything about a job that does not depend on the clock: which steps run when, and how they end.
/// The renderer turns it into the API's shapes at a given instant (pending, running, done).
/// </summary>
internal sealed class JobPlan
{
    public required string Id { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string Channel { get; init; }
    public string? WorkflowId { get; init; }
    public string? RuleId { get; init; }
    public string? OrderId { get; init; }
    public string? CustomerId { get; init; }
    public string? CustomerEmail { get; init; }
    public JsonObject? MetaData { get; init; }
    public string OnFail { get; init; } = "reject";
    public int DomainIdx { get; init; } = 42;
    public required IReadOnlyList<TaskPlan> Tasks { get; init; }

    /// <summary>When the last step of the last task ends.</summary>
    public DateTimeOffset Finished => Tasks.Max(t => t.Finished);
}

internal sealed class TaskPlan
{
    public required string Id { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string FileName { get; init; }
    public required string FileType { get; init; }
    public required string MimeType { get; init; }
    public required long SizeBytes { get; init; }
    public string? FileRef { get; init; }
    public string? Source { get; init; }
    public int Pages { get; init; } = 1;
    public required IReadOnlyList<StepPlan> Steps { get; init; }
    /// <summary>The verdict once every step ran; null when the task ends in error.</summary>
    public string? Outcome { get; init; }
    public bool Errored { get; init; }
    /// <summary>A fixed or optimized file the task produces (name under the task's folder), if any.</summary>
    public string? OutputName { get; init; }
    public long OutputSizeBytes { get; init; }
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    public DateTimeOffset Finished => Steps.Where(s => s.FinalStatus != "skipped").Select(s => s.End).DefaultIfEmpty(Created).Max();
    public string OutputMime => OutputName is { } n && n.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "application/pdf";
    /// <summary>The original file is served only when the sandbox can draw it (PDF or PNG).</summary>
    public string? SourceFileName => FileType == "pdf" ? "source.pdf" : MimeType == "image/png" ? "source.png" : null;
    public int ProofCount => Math.Min(Pages, 2);
}

internal sealed class StepPlan
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required TimeSpan Duration { get; init; }
    public DateTimeOffset End => Start + Duration;
    /// <summary>done, error or skipped.</summary>
    public string FinalStatus { get; init; } = "done";
    public string? Outcome { get; init; }
    public string? Reason { get; init; }
    public JsonObject? Params { get; init; }
    public JsonObject? RuntimeParams { get; init; }
    /// <summary>What a preflight or repreflight reports.</summary>
    public IReadOnlyList<Finding>? Findings { get; init; }
    public ValidatePlan? Validate { get; init; }
}

internal sealed record ValidatePlan(
    string Requested, string Matched, string ProfileName, bool Compliant,
    int PassedChecks, int FailedChecks, int PassedRules, int FailedRules, IReadOnlyList<string> FailureDescriptions);
