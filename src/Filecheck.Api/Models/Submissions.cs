using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Filecheck.Api.Models;

/// <summary><c>POST /uploads</c>: both fields optional.</summary>
public sealed record UploadRequest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MimeType { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeBytes { get; init; }
}

/// <summary><c>POST /uploads</c>' answer: presigned S3 POST credentials that expire (300 s).</summary>
public sealed record UploadResponse
{
    public string? FileRef { get; init; }
    public UploadForm? Upload { get; init; }
    public long? MaxBytes { get; init; }
    public int? ExpiresIn { get; init; }
}

public sealed record UploadForm
{
    public string? Url { get; init; }
    public IReadOnlyDictionary<string, string>? Fields { get; init; }
    public string? Method { get; init; }
}

/// <summary>Where and until when a file may be uploaded, as the client read it (expiry on the client's clock).</summary>
public sealed record UploadTarget(string FileRef, Uri Url, IReadOnlyDictionary<string, string> Fields, long MaxBytes, DateTimeOffset ExpiresAt);

/// <summary>The canonical <c>POST /jobs</c> (JobsPost): one entry per file, each with its ordered steps.</summary>
public sealed record CreateJobRequest
{
    public required IReadOnlyList<JobSourceRequest> Sources { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RuleId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Channel { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CustomerId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrderId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobPolicy? Policy { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? MetaData { get; init; }
}

/// <summary>One file: exactly one of <see cref="Url"/> or <see cref="FileRef"/>.</summary>
public sealed record JobSourceRequest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FileRef { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }
    public required IReadOnlyList<JobStepRequest> Steps { get; init; }
}

public sealed record JobStepRequest
{
    public required string Type { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Params { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    /// <summary>The step types the API accepts on submit.</summary>
    public static IReadOnlyList<string> Types { get; } =
        ["preflight", "autofix", "repreflight", "validate", "previews", "optimize", "convert", "upscale", "removebg", "deliver"];

    /// <summary>The PDF/A and PDF/UA codes <c>validate</c> checks against.</summary>
    public static IReadOnlyList<string> ValidationCodes { get; } =
        ["auto", "1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u", "4", "4e", "4f", "ua1", "ua2"];

    public static JobStepRequest Preflight(string? profileId = null) =>
        new() { Type = "preflight", Params = profileId is null ? null : new JsonObject { ["profileId"] = profileId } };

    public static JobStepRequest Autofix() => new() { Type = "autofix" };

    public static JobStepRequest Repreflight(string? profileId = null) =>
        new() { Type = "repreflight", Params = profileId is null ? null : new JsonObject { ["profileId"] = profileId } };

    /// <param name="codes">PDF/A or PDF/UA codes (see <see cref="ValidationCodes"/>); none means <c>auto</c>.</param>
    public static JobStepRequest Validate(params string[] codes) =>
        new() { Type = "validate", Params = new JsonObject { ["profile"] = new JsonArray((codes.Length == 0 ? ["auto"] : codes).Select(c => (JsonNode)JsonValue.Create(c)).ToArray()) } };

    public static JobStepRequest Previews() => new() { Type = "previews" };
}
