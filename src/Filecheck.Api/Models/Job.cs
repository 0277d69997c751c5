using System.Text.Json;
using System.Text.Json.Serialization;

namespace Filecheck.Api.Models;

/// <summary>A Filecheck job: one task per file. Full on <c>GET /jobs/{id}</c>, lean in lists.</summary>
public sealed record Job
{
    public required string Id { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? ModifiedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>Open vocabulary; see <see cref="JobStatus"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Open vocabulary; see <see cref="Outcome"/>.</summary>
    public string? Outcome { get; init; }
    public string? Channel { get; init; }
    public string? RuleId { get; init; }
    public string? WorkflowId { get; init; }
    public string? WfPhase { get; init; }
    public string? WfStreamStatus { get; init; }
    public JsonElement? MetaData { get; init; }
    public IReadOnlyList<Artifact>? Deliverables { get; init; }
    public IReadOnlyList<JobTask>? Tasks { get; init; }
    public string? OrderId { get; init; }
    public string? CustomerId { get; init; }
    public JsonElement? OrderStatus { get; init; }
    public JsonElement? OrderDetails { get; init; }
    public string? CustomerEmail { get; init; }
    /// <summary>Present on non-lean reads of terminal jobs.</summary>
    public JobSummary? Summary { get; init; }
    /// <summary>Aggregated results on non-lean reads: keys appear only for step types that ran.</summary>
    public JobResults? Results { get; init; }

    [JsonIgnore]
    public bool IsTerminal => JobStatus.IsTerminal(Status);
}

/// <summary>One file of a job (the API calls it a task).</summary>
public sealed record JobTask
{
    public required string Id { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public string? FileType { get; init; }
    public string? MimeType { get; init; }
    public string? Source { get; init; }
    public string? FileRef { get; init; }
    public string? ClientRef { get; init; }
    public string? JobId { get; init; }
    public string? WfPhase { get; init; }
    public string? WfKind { get; init; }
    public Artifact? OriginalArtifact { get; init; }
    public Artifact? InputArtifact { get; init; }
    public Artifact? CurrentArtifact { get; init; }
    public IReadOnlyList<Artifact>? OutputArtifacts { get; init; }
    public IReadOnlyList<Step>? Steps { get; init; }
    public JsonElement? Slot { get; init; }

    /// <summary>The name a person knows the file by, exactly as the answer gives it: for storing, searching and sending on.</summary>
    [JsonIgnore]
    public string Name =>
        OriginalArtifact?.FileName
        ?? (Source is { Length: > 0 } s ? FileNameOf(s) : null)
        ?? FileRef
        ?? Id;

    /// <summary>
    /// <see cref="Name"/> for the screen, with any directional formatting character shown as its code point: a
    /// right-to-left override can make "\u202Efdp.exe" read "exe.pdf", and staff must read the name as it is.
    /// </summary>
    [JsonIgnore]
    public string DisplayName => VisibleText.DirectionControls(Name);

    private static string FileNameOf(string source)
    {
        var path = Uri.TryCreate(source, UriKind.Absolute, out var uri) ? uri.AbsolutePath : source;
        var name = path.TrimEnd('/').Split('/').LastOrDefault();
        return string.IsNullOrEmpty(name) ? source : Uri.UnescapeDataString(name);
    }
}

/// <summary>One step of a task's pipeline (preflight, autofix, validate, ...).</summary>
public sealed record Step
{
    public required string Id { get; init; }
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public string? Reason { get; init; }
    public JsonElement? Params { get; init; }
    public JsonElement? RuntimeParams { get; init; }
    public DateTimeOffset? Started { get; init; }
    public DateTimeOffset? Ended { get; init; }
    /// <summary>Milliseconds.</summary>
    public double? Duration { get; init; }
    public JsonElement? InStream { get; init; }
    public IReadOnlyList<StepOutput>? Outputs { get; init; }

    /// <summary>The duration as a span, or null when the answer gives none that is usable (see <see cref="IsUsableDuration"/>).</summary>
    [JsonIgnore]
    public TimeSpan? DurationSpan => Duration is { } ms && IsUsableDuration(ms) ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>The longest duration taken as one: about 3,000 years. Beyond it a figure is not a step's duration, and
    /// a TimeSpan (about 29,000 years) would overflow.</summary>
    public const double MaxDurationMs = 1e14;

    /// <summary>
    /// A step duration in milliseconds that can be used as one: finite, not negative, at most <see cref="MaxDurationMs"/>.
    /// The spec only says "number", so an answer can hold -4000 or 1e300.
    /// </summary>
    public static bool IsUsableDuration(double ms) => double.IsFinite(ms) && ms is >= 0 and <= MaxDurationMs;
}

/// <summary>
/// An item of a step's <c>outputs</c>: a preflight report (<c>kind: report</c>, <c>body.summary</c>) or a validate
/// result (<c>kind: validate</c>, <c>result.results[]</c>). The bodies stay JSON so unknown shapes never break a read.
/// </summary>
public sealed record StepOutput
{
    public string? Kind { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public JsonElement? Body { get; init; }
    public JsonElement? Profile { get; init; }
    public JsonElement? Result { get; init; }
}

/// <summary>A stored file: the original upload, an output, or a deliverable. <c>downloadUrl</c> is presigned and expires.</summary>
public sealed record Artifact
{
    public string? Kind { get; init; }
    public string? Role { get; init; }
    public string? TaskId { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public string? MimeType { get; init; }
    public long? SizeBytes { get; init; }
    public string? FileName { get; init; }
    public string? DownloadUrl { get; init; }
    public int? ExpiresIn { get; init; }
}

public sealed record JobSummary
{
    public string? Id { get; init; }
    public int? DomainIdx { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public string? RuleId { get; init; }
    public string? Channel { get; init; }
    public string? CustomerId { get; init; }
    public string? OrderId { get; init; }
    public JobPolicy? Policy { get; init; }
    public JsonElement? MetaData { get; init; }
    public IReadOnlyList<string>? TaskIds { get; init; }
    public IReadOnlyList<SourceRef>? SourceRefs { get; init; }
    /// <summary>Epoch milliseconds.</summary>
    public long? Created { get; init; }
    public DateTimeOffset? Finalized { get; init; }
}

public sealed record JobPolicy
{
    public string? OnFail { get; init; }
}

public sealed record SourceRef
{
    public string? TaskId { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }
}

public sealed record JobResults
{
    public IReadOnlyList<ValidateResult>? Validate { get; init; }
    public IReadOnlyList<PreflightResult>? Preflight { get; init; }
    public IReadOnlyList<OptimizeResult>? Optimize { get; init; }
}

public abstract record TaskResultBase
{
    public string? TaskId { get; init; }
    public string? FileRef { get; init; }
    public string? Source { get; init; }
    public string? FileType { get; init; }
    public string? MimeType { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
}

public sealed record ValidateResult : TaskResultBase
{
    public bool? Compliant { get; init; }
    public IReadOnlyList<ValidateProfile>? Profiles { get; init; }
}

public sealed record ValidateProfile
{
    public string? Requested { get; init; }
    public string? Matched { get; init; }
    public string? ProfileName { get; init; }
    public bool? Compliant { get; init; }
    public PassFail? Checks { get; init; }
    public PassFail? Rules { get; init; }
    public JsonElement? Failures { get; init; }
}

public sealed record PassFail
{
    public int? Passed { get; init; }
    public int? Failed { get; init; }
}

public sealed record PreflightResult : TaskResultBase
{
    /// <summary>The full preflight report; its shape varies with the file kind, so it stays JSON.</summary>
    public JsonElement? Report { get; init; }
}

public sealed record OptimizeResult : TaskResultBase
{
    public OptimizeOutput? Output { get; init; }
}

public sealed record OptimizeOutput
{
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public long? SizeBytes { get; init; }
    public string? DownloadUrl { get; init; }
    public int? ExpiresIn { get; init; }
    public JsonElement? AppliedFixes { get; init; }
    public JsonElement? SkippedFixes { get; init; }
}
