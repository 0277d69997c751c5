using System.Text.Json;
using System.Text.Json.Serialization;

namespace Filecheck.Api.Models;

/// <summary><c>GET /jobs/{id}</c>: <c>{ job }</c>.</summary>
public sealed record JobResponse
{
    public Job? Job { get; init; }
}

/// <summary>A 202 from a sync submit: <c>{ pending: true, job }</c>.</summary>
public sealed record JobPendingResponse
{
    public bool Pending { get; init; }
    public Job? Job { get; init; }
}

/// <summary><c>GET /jobs</c>: newest first, lean entries, <c>nextKey</c> null on the last page.</summary>
public sealed record JobListPage
{
    public IReadOnlyList<Job> Jobs { get; init; } = [];
    public string? NextKey { get; init; }
}

/// <summary><c>GET /jobs/{id}?expand=runs</c>: not wrapped in <c>job</c>.</summary>
public sealed record RunsResponse
{
    public string? Id { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public IReadOnlyList<Run> Runs { get; init; } = [];
}

/// <summary>A flattened per-file view; <c>id</c> is the task id. URLs are presigned and expire.</summary>
public sealed record Run
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Outcome { get; init; }
    public string? Status { get; init; }
    public bool HasOutput { get; init; }
    public IReadOnlyList<Proof> Proofs { get; init; } = [];
    public string? DownloadUrl { get; init; }

    /// <summary>The file's name as people read it (directional formatting shown, see <see cref="VisibleText"/>), or its ID.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string DisplayName => VisibleText.DirectionControls(Name ?? Id);
}

public sealed record Proof
{
    public string? Url { get; init; }
}

/// <summary>A library resource (workflow, rule, profile): a common envelope with free-form extras.</summary>
public sealed record LibraryItem
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public bool? Enabled { get; init; }
    /// <summary><c>domain</c> (the tenant's own) or <c>store</c> (built-in catalog).</summary>
    public string? Source { get; init; }
    /// <summary>Profiles only: <c>pdf</c> or <c>raster</c>.</summary>
    public string? Kind { get; init; }
    public string? Description { get; init; }
}

public sealed record WorkflowList { public IReadOnlyList<LibraryItem> Workflows { get; init; } = []; }
public sealed record RuleList { public IReadOnlyList<LibraryItem> Rules { get; init; } = []; }
public sealed record ProfileList { public IReadOnlyList<LibraryItem> Profiles { get; init; } = []; }
public sealed record WorkflowResponse { public LibraryItem? Workflow { get; init; } }
public sealed record RuleResponse { public LibraryItem? Rule { get; init; } }
public sealed record ProfileResponse { public LibraryItem? Profile { get; init; } }

/// <summary>
/// Both error shapes: the app's <c>{ error: true, message }</c> and the gateway's <c>{ message }</c>.
/// </summary>
public sealed record ErrorBody
{
    public bool? Error { get; init; }
    public string? Message { get; init; }
    [JsonIgnore]
    public bool IsGatewayShape => Error is null;
}

/// <summary>The <c>job.completed</c> webhook: the summary spread at top level plus lean tasks.</summary>
public sealed record JobCompletedWebhook
{
    public string? Id { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public IReadOnlyList<string>? TaskIds { get; init; }
    public DateTimeOffset? Finalized { get; init; }
    public long? Created { get; init; }
    public int? TaskCount { get; init; }
    public IReadOnlyList<JsonElement>? Tasks { get; init; }
}
