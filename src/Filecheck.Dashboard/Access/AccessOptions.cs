using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Access;

public enum AuthMode
{
    /// <summary>Pick a demo user per role; local use only.</summary>
    Demo,
    /// <summary>Microsoft Entra ID through Microsoft.Identity.Web.</summary>
    MicrosoftIdentity,
}

/// <summary>The <c>Auth</c> section, and the sign-in it resolves to with the <c>AzureAd</c> section and the environment.</summary>
public sealed class AccessOptions
{
    public const string Section = "Auth";

    /// <summary>The keys a usable <c>AzureAd</c> section must have (a secret or a certificate besides).</summary>
    public static readonly string[] RequiredAzureAdKeys = ["AzureAd:Instance", "AzureAd:TenantId", "AzureAd:ClientId"];

    /// <summary><c>Auth:Mode</c> as written: empty, <c>Demo</c> or <c>MicrosoftIdentity</c>.</summary>
    public string? Mode { get; set; }

    /// <summary>How long a sign-in lasts, counted from the sign-in (<c>Auth:SessionLifetime</c>).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often an open circuit re-checks its session (<c>Auth:RevalidationInterval</c>).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The sign-in in use, resolved at start from <see cref="Mode"/>, the environment and the <c>AzureAd</c> section.</summary>
    public AuthMode AuthMode { get; set; }

    /// <summary>The identity provider's origin (from <c>AzureAd:Instance</c>): sign-out forms are redirected there.</summary>
    public string? SignInOrigin { get; set; }

    /// <summary>
    /// Demo sign-in only in Development: asked for (<c>Auth:Mode=Demo</c>) or with no <c>AzureAd</c> section. Anywhere
    /// else Microsoft sign-in, which needs a complete <c>AzureAd</c> section; <c>Demo</c> there also refuses the start
    /// (see the validator), so the demo is never wired outside Development whatever the settings say. Null for an unknown mode.
    /// </summary>
    public static AuthMode? ResolveMode(string? mode, bool isDevelopment, bool hasAzureAd)
    {
        if (IsDemo(mode) || string.IsNullOrEmpty(mode))
        {
            return isDevelopment && (IsDemo(mode) || !hasAzureAd) ? AuthMode.Demo : AuthMode.MicrosoftIdentity;
        }
        return string.Equals(mode, nameof(AuthMode.MicrosoftIdentity), StringComparison.OrdinalIgnoreCase) ? AuthMode.MicrosoftIdentity : null;
    }

    internal static bool IsDemo(string? mode) => string.Equals(mode, nameof(AuthMode.Demo), StringComparison.OrdinalIgnoreCase);

    /// <summary>The provider's origin when <c>AzureAd:Instance</c> is an https URL.</summary>
    internal static string? OriginOf(string? instance) =>
        Uri.TryCreate(instance, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri.GetLeftPart(UriPartial.Authority) : null;
}

/// <summary>Names the exact key of a bad or missing setting: the dashboard never starts open.</summary>
internal sealed class AccessOptionsValidator(IConfiguration configuration, AuthMode? resolved, IHostEnvironment environment)
    : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions o)
    {
        var errors = new List<string>();
        if (o.SessionLifetime <= TimeSpan.Zero)
        {
            errors.Add($"Auth:SessionLifetime is '{o.SessionLifetime}'; it must be a positive time span such as 08:00:00.");
        }
        if (o.RevalidationInterval <= TimeSpan.Zero)
        {
            errors.Add($"Auth:RevalidationInterval is '{o.RevalidationInterval}'; it must be a positive time span such as 00:05:00.");
        }
        if (AccessOptions.IsDemo(o.Mode) && !environment.IsDevelopment())
        {
            // One environment variable (Auth__Mode=Demo) would otherwise let anyone pick any user, Admin included, on real data.
            errors.Add($"Auth:Mode is '{o.Mode}', but the demo sign-in (anyone picks any user, Admin included) exists only in "
                + $"Development, and this environment is '{environment.EnvironmentName}', so the dashboard will not start. "
                + "Remove Auth:Mode (or the Auth__Mode environment variable) and configure Microsoft sign-in in the AzureAd section.");
        }
        if (resolved is null)
        {
            errors.Add($"Auth:Mode is '{o.Mode}'; it must be empty, 'MicrosoftIdentity' or 'Demo'.");
        }
        else if (resolved == AuthMode.MicrosoftIdentity && MissingAzureAd() is { Count: > 0 } missing)
        {
            errors.Add("Sign-in is not configured, so the dashboard will not start (it never runs open). Missing: "
                + string.Join(", ", missing)
                + ". Set them in configuration (user-secrets or environment, e.g. AzureAd__ClientId), "
                + "or, for a local demo, run in Development (ASPNETCORE_ENVIRONMENT=Development) without an AzureAd section.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private List<string> MissingAzureAd()
    {
        var missing = AccessOptions.RequiredAzureAdKeys.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        if (!missing.Contains("AzureAd:Instance") && AccessOptions.OriginOf(configuration["AzureAd:Instance"]) is null)
        {
            missing.Add("AzureAd:Instance (an https URL, e.g. https://login.microsoftonline.com/)");
        }
        var hasCredential = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientSecret"])
            || configuration.GetSection("AzureAd:ClientCertificates").GetChildren().Any()
            || configuration.GetSection("AzureAd:ClientCredentials").GetChildren().Any();
        if (!hasCredential) missing.Add("AzureAd:ClientSecret (or AzureAd:ClientCertificates)");
        return missing;
    }
}
