using Microsoft.Extensions.Options;

namespace Filecheck.Api;

/// <summary>Settings of the Filecheck API client, bound from the <c>Filecheck</c> configuration section.</summary>
public sealed class FilecheckOptions
{
    public const string SectionName = "Filecheck";

    /// <summary>The API's base address, e.g. <c>https://api.filecheck.io/</c>. Unset means "not configured".</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The secret key (<c>sk_live_…</c> / <c>sk_test_…</c>). Server memory only: never logged or shown.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Time allowed for one try.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for a whole call, retries and their waits included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first try, for GET requests only.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Don't show the key in debugger views or accidental ToString() calls.</summary>
    public override string ToString() =>
        $"FilecheckOptions {{ BaseUrl = {BaseUrl}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(none)" : "(set)")}, Timeout = {Timeout}, TotalTimeout = {TotalTimeout}, MaxRetries = {MaxRetries} }}";
}

/// <summary>Checks the settings at start; every message names the exact configuration key to fix.</summary>
public sealed class FilecheckOptionsValidator : IValidateOptions<FilecheckOptions>
{
    public ValidateOptionsResult Validate(string? name, FilecheckOptions options)
    {
        var failures = new List<string>();
        const string section = FilecheckOptions.SectionName;

        if (options.BaseUrl is { } baseUrl)
        {
            if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{section}:BaseUrl must be an absolute http:// or https:// address, such as https://api.filecheck.io/.");
            }
            else if (baseUrl.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseUrl))
            {
                // The key travels in every request's Authorization header: plain http only where it never leaves the machine.
                failures.Add(
                    $"{section}:BaseUrl ({baseUrl.GetLeftPart(UriPartial.Authority)}) must use https://, such as https://api.filecheck.io/; " +
                    "http:// is allowed only for a loopback address (127.0.0.1, [::1], localhost).");
            }

            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                failures.Add(
                    $"{section}:BaseUrl is set but {section}:ApiKey is missing. Set the secret key with " +
                    $"dotnet user-secrets set \"{section}:ApiKey\" \"sk_test_...\" (development) or the environment variable " +
                    $"{section}__ApiKey (production).");
            }
        }

        if (options.ApiKey is { } key && key.Any(char.IsControl))
        {
            failures.Add($"{section}:ApiKey contains control characters (a stray line break?).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:Timeout must be greater than zero, e.g. 00:00:10.");
        }

        if (options.TotalTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:TotalTimeout must be greater than zero, e.g. 00:00:30.");
        }
        else if (options.TotalTimeout < options.Timeout)
        {
            failures.Add($"{section}:TotalTimeout ({options.TotalTimeout}) must not be shorter than {section}:Timeout ({options.Timeout}).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{section}:MaxRetries must be between 0 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{section}:RetryBaseDelay must be between 00:00:00 and 00:00:30.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback
        || (System.Net.IPAddress.TryParse(url.DnsSafeHost, out var address) && System.Net.IPAddress.IsLoopback(address));
}
