using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>The <c>Sharing</c> section of appsettings.json.</summary>
public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>The longest a link may live, from its creation or an extension (1-90 days; there is no "never").</summary>
    public int MaxExpiryDays { get; set; } = 30;

    /// <summary>Requests per minute one client address may make to <c>/s/...</c>: a page of 50 proofs is 52 requests.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// Calls to Filecheck that all share links together may cause in a minute (each fetches one job's runs for every
    /// viewer of every link for a few minutes); once spent, a page that needs another says "try again in a minute".
    /// </summary>
    public int UpstreamCallsPerMinute { get; set; } = 120;

    /// <summary>Largest proof image streamed to a customer.</summary>
    public long MaxProofBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Corrected files a customer may send on one link (over all its files and rounds), where the link allows them.</summary>
    public int CorrectedFilesPerShare { get; set; } = 5;

    /// <summary>How often the check of a corrected file is looked at until it finishes and becomes the next round.</summary>
    public TimeSpan CorrectedFilePoll { get; set; } = TimeSpan.FromSeconds(3);

    public SharingNotifyOptions Notify { get; set; } = new();
}

public sealed class SharingNotifyOptions
{
    /// <summary>When set, each decision is posted here as JSON (e.g. a team chat's incoming webhook), in the background.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Attempts per decision before it is given up (logged).</summary>
    public int MaxAttempts { get; set; } = 4;
}

/// <summary>Names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class SharingOptionsValidator : IValidateOptions<SharingOptions>
{
    public ValidateOptionsResult Validate(string? name, SharingOptions o)
    {
        var errors = new List<string>();
        if (o.MaxExpiryDays is < 1 or > 90) errors.Add($"Sharing:MaxExpiryDays is {o.MaxExpiryDays}; it must be between 1 and 90 (links always expire).");
        if (o.RequestsPerMinute is < 60 or > 100_000) errors.Add($"Sharing:RequestsPerMinute is {o.RequestsPerMinute}; it must be between 60 and 100000.");
        if (o.UpstreamCallsPerMinute is < 1 or > 10_000) errors.Add($"Sharing:UpstreamCallsPerMinute is {o.UpstreamCallsPerMinute}; it must be between 1 and 10000.");
        if (o.MaxProofBytes is < 1024 or > 200L * 1024 * 1024) errors.Add("Sharing:MaxProofBytes must be between 1024 and 209715200.");
        if (!string.IsNullOrWhiteSpace(o.Notify.WebhookUrl)
            && (!Uri.TryCreate(o.Notify.WebhookUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add("Sharing:Notify:WebhookUrl must be an absolute http(s) URL (or empty for no webhook).");
        }
        if (o.CorrectedFilesPerShare is < 1 or > 100) errors.Add($"Sharing:CorrectedFilesPerShare is {o.CorrectedFilesPerShare}; it must be between 1 and 100.");
        if (o.CorrectedFilePoll < TimeSpan.FromMilliseconds(100) || o.CorrectedFilePoll > TimeSpan.FromMinutes(10))
            errors.Add($"Sharing:CorrectedFilePoll is {o.CorrectedFilePoll}; it must be between 00:00:00.1 and 00:10:00.");
        if (o.Notify.MaxAttempts is < 1 or > 10) errors.Add("Sharing:Notify:MaxAttempts must be between 1 and 10.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
