// The public surface of the sandbox that the dashboard and the tests rely on. Implementation lives beside it.
namespace Filecheck.Sandbox;

public sealed class SandboxOptions
{
    /// <summary>Same seed, same jobs.</summary>
    public int Seed { get; set; } = 42;
    /// <summary>How many historical jobs to generate (default 5,000; up to 1,000,000).</summary>
    public int JobCount { get; set; } = 5000;
    /// <summary>Spread of the generated history in days, ending now (default 180, so the story's planted changes have a before).</summary>
    public int Days { get; set; } = 180;
    /// <summary>The secret key the sandbox accepts as Bearer; generated at start when null (an obviously fake sk_test_...).</summary>
    public string? ApiKey { get; set; }
    /// <summary>0 picks a free loopback port.</summary>
    public int Port { get; set; }
    /// <summary>Lifetime of the signed proof/download URLs it hands out.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromSeconds(3600);
    /// <summary>The clock: the running jobs advance with it.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
    /// <summary>How many jobs are running right now at start (besides the well-known running one).</summary>
    public int RunningJobs { get; set; } = 4;
    /// <summary>A new job arrives roughly this often (null: none arrive).</summary>
    public TimeSpan? NewJobEvery { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>When set, the sandbox POSTs job.completed (and job.created) webhooks here.</summary>
    public Uri? WebhookUrl { get; set; }
    /// <summary>Headers sent with every webhook (e.g. the dashboard's shared secret).</summary>
    public Dictionary<string, string> WebhookHeaders { get; set; } = new();
    /// <summary>When set, webhooks carry x-filecheck-timestamp (Unix seconds) and x-filecheck-signature: hex HMAC-SHA256 of timestamp + "." + the raw body with this secret.</summary>
    public string? WebhookSigningSecret { get; set; }
    /// <summary>The largest file <c>POST /uploads</c> allows (the API's 500 MB); tests lower it to prove the target refuses more.</summary>
    public long UploadMaxBytes { get; set; } = 500L * 1024 * 1024;
    /// <summary>How long presigned upload credentials hold (the API's 300 s).</summary>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromSeconds(300);
    /// <summary>Adds <see cref="WellKnownJobs.Huge"/> (2,000 files); off by default, so every test's history sync stays small.</summary>
    public bool HugeJob { get; set; }
}

/// <summary>The job IDs a newcomer and the tests can paste.</summary>
public static class WellKnownJobs
{
    public const string Passing = "job_demo_passing";
    public const string Warning = "job_demo_warning";
    public const string Failing = "job_demo_failing";
    public const string Fixed = "job_demo_fixed";
    /// <summary>Created when the sandbox starts; its steps start and end as the clock moves (finishes ~3 minutes later).</summary>
    public const string Running = "job_demo_running";
    /// <summary>200 files.</summary>
    public const string Large = "job_demo_large";
    /// <summary>2,000 files; only when <see cref="SandboxOptions.HugeJob"/> is on (the bench turns it on).</summary>
    public const string Huge = "job_demo_huge";

    public static IReadOnlyList<(string Id, string Description)> All { get; } =
    [
        (Passing, "passing: clean on every file"),
        (Warning, "warnings: low resolution image, ink coverage"),
        (Failing, "failing: fonts not embedded, missing bleed"),
        (Fixed, "auto-fixed: RGB converted to CMYK, bleed added"),
        (Running, "running right now"),
        (Large, "200 files"),
    ];
}

/// <summary>A fault the tests switch on at run time; it applies to API requests (not to signed file URLs).</summary>
public enum SandboxFault
{
    None,
    /// <summary>429 with Retry-After (seconds from <see cref="SandboxFaults.RetryAfterSeconds"/>).</summary>
    RateLimited,
    /// <summary>500 with the app's error body.</summary>
    ServerError,
    /// <summary>503 with the app's error body.</summary>
    Unavailable,
    /// <summary>502 with an HTML body, as an intermediary sends.</summary>
    HtmlBadGateway,
    /// <summary>Never answers (until the client gives up or the server stops).</summary>
    Hang,
    /// <summary>200 with a body that is not valid JSON.</summary>
    MalformedJson,
    /// <summary>200 whose Content-Length promises the whole body; half of it is sent, then the connection drops.</summary>
    TruncatedBody,
}
