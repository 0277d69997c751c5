using System.Text.Json.Serialization;
using Filecheck.Api.Models;

namespace Filecheck.Api;

/// <summary>Source-generated serialization for every Filecheck shape (camelCase, nulls written as the API does).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    MaxDepth = FilecheckJsonContext.MaxJsonDepth)]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(JobResponse))]
[JsonSerializable(typeof(JobPendingResponse))]
[JsonSerializable(typeof(JobListPage))]
[JsonSerializable(typeof(RunsResponse))]
[JsonSerializable(typeof(WorkflowList))]
[JsonSerializable(typeof(RuleList))]
[JsonSerializable(typeof(ProfileList))]
[JsonSerializable(typeof(WorkflowResponse))]
[JsonSerializable(typeof(RuleResponse))]
[JsonSerializable(typeof(ProfileResponse))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(JobCompletedWebhook))]
[JsonSerializable(typeof(UploadRequest))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(CreateJobRequest))]
public sealed partial class FilecheckJsonContext : JsonSerializerContext
{
    /// <summary>
    /// How deep an answer may nest. The spec leaves metaData and params to the customer, unbounded; the default of 64
    /// refused a valid answer whose metaData nested deeper. Bounded all the same: parsers and writers recurse.
    /// </summary>
    public const int MaxJsonDepth = 256;
}
