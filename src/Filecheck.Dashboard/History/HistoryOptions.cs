using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>The <c>History</c> section of appsettings.json (its <c>DatabasePath</c> is the store's: <c>StoreOptions</c>).</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>A terminal job fetched within this age is served from the store without asking Filecheck.</summary>
    public TimeSpan CacheAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a page waits for its write-through (a lookup's copy, its audit line, a watched job's new state) before
    /// going on; a write that takes longer finishes in the background, retried once if it fails.
    /// </summary>
    public TimeSpan WriteThroughBudget { get; set; } = TimeSpan.FromMilliseconds(300);

    public HistorySyncOptions Sync { get; set; } = new();
    public HistoryWebhookOptions Webhooks { get; set; } = new();
    public HistoryRetentionOptions Retention { get; set; } = new();
}

public sealed class HistorySyncOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Pause between two runs when the last one went well.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary><c>limit</c> of each <c>GET /jobs</c> page (1-100).</summary>
    public int PageSize { get; set; } = 100;
    /// <summary>The head pass keeps paging this far below the newest job it already held, to catch late arrivals.</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Parallel <c>GET /jobs/{id}</c> calls while fetching details.</summary>
    public int DetailConcurrency { get; set; } = 4;
    /// <summary>Job details saved per write: small batches keep each transaction short, so a page's write-through rarely waits behind one.</summary>
    public int DetailBatch { get; set; } = 10;
    /// <summary>Budget of requests to Filecheck per minute for the sync (lists and details together).</summary>
    public int RequestsPerMinute { get; set; } = 300;
    /// <summary>At most this many job details per run; the rest wait for the next run.</summary>
    public int MaxDetailsPerRun { get; set; } = 2000;
    /// <summary>Longest wait between runs while Filecheck is down (doubling from <see cref="Interval"/>'s tenth).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class HistoryWebhookOptions
{
    /// <summary>The request header that carries the shared secret.</summary>
    public string SecretHeader { get; set; } = "x-dashboard-webhook-secret";
    /// <summary>The shared secret (user-secrets or environment <c>History__Webhooks__Secret</c>). Empty: every webhook is refused.</summary>
    public string? Secret { get; set; }
    /// <summary>
    /// When set, <c>x-filecheck-signature</c> must match too: hex HMAC-SHA256 of the raw body, or, when the sender adds
    /// <c>x-filecheck-timestamp</c> (Unix seconds), of <c>timestamp + "." + body</c>, fresh within 5 minutes and seen once.
    /// </summary>
    public string? SigningSecret { get; set; }
    public int MaxBodyBytes { get; set; } = 64 * 1024;
    /// <summary>Webhooks accepted per minute; the rest get 429.</summary>
    public int PerMinute { get; set; } = 600;
}

public sealed class HistoryRetentionOptions
{
    /// <summary>Step details of jobs created longer ago than this are pruned; the job rows stay. Null keeps them forever.</summary>
    public TimeSpan? StepDetailsAge { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Audit rows (lookups, proof views, downloads) older than this are deleted by the sync. Null keeps them forever.</summary>
    public TimeSpan? AuditAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>Names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class HistoryOptionsValidator : IValidateOptions<HistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, HistoryOptions o)
    {
        var errors = new List<string>();
        if (o.CacheAge < TimeSpan.Zero) errors.Add("History:CacheAge must not be negative.");
        if (o.WriteThroughBudget <= TimeSpan.Zero || o.WriteThroughBudget > TimeSpan.FromSeconds(30)) errors.Add("History:WriteThroughBudget must be between 0 and 30 seconds.");
        if (o.Sync.PageSize is < 1 or > 100) errors.Add("History:Sync:PageSize must be between 1 and 100.");
        if (o.Sync.DetailConcurrency is < 1 or > 32) errors.Add("History:Sync:DetailConcurrency must be between 1 and 32.");
        if (o.Sync.DetailBatch is < 1 or > 500) errors.Add("History:Sync:DetailBatch must be between 1 and 500.");
        if (o.Sync.RequestsPerMinute < 1) errors.Add("History:Sync:RequestsPerMinute must be at least 1.");
        if (o.Sync.MaxDetailsPerRun < 0) errors.Add("History:Sync:MaxDetailsPerRun must not be negative.");
        if (o.Sync.Interval <= TimeSpan.Zero) errors.Add("History:Sync:Interval must be positive.");
        if (o.Sync.Overlap < TimeSpan.Zero) errors.Add("History:Sync:Overlap must not be negative.");
        if (o.Sync.MaxBackoff <= TimeSpan.Zero) errors.Add("History:Sync:MaxBackoff must be positive.");
        if (string.IsNullOrWhiteSpace(o.Webhooks.SecretHeader)) errors.Add("History:Webhooks:SecretHeader must name a header.");
        if (o.Webhooks.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024) errors.Add("History:Webhooks:MaxBodyBytes must be between 1024 and 16777216.");
        if (o.Webhooks.PerMinute < 1) errors.Add("History:Webhooks:PerMinute must be at least 1.");
        if (o.Retention.StepDetailsAge is { } age && age <= TimeSpan.Zero) errors.Add("History:Retention:StepDetailsAge must be positive (or empty to keep forever).");
        if (o.Retention.AuditAge is { } audit && audit <= TimeSpan.Zero) errors.Add("History:Retention:AuditAge must be positive (or empty to keep forever).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
