using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary><c>Filecheck:ArtifactHosts</c>: the hosts the dashboard may fetch proofs from or send downloads to.</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Filecheck";
    public static readonly string[] DefaultHosts = ["amazonaws.com"];

    /// <summary>Host names (a name also admits its subdomains), https only; empty keeps <see cref="DefaultHosts"/>.</summary>
    public string[]? ArtifactHosts { get; set; }

    /// <summary>Set by the sandbox mode (not configuration): only this origin's URLs are allowed, whatever the hosts say.</summary>
    public Uri? OnlyOrigin { get; set; }

    public IReadOnlyList<string> Hosts => ArtifactHosts is { Length: > 0 } hosts ? hosts : DefaultHosts;
}

internal sealed class ArtifactOptionsValidator : IValidateOptions<ArtifactOptions>
{
    public ValidateOptionsResult Validate(string? name, ArtifactOptions o)
    {
        var errors = new List<string>();
        for (var i = 0; i < (o.ArtifactHosts?.Length ?? 0); i++)
        {
            var host = o.ArtifactHosts![i];
            // A host name only: a scheme, path or port here would silently never match.
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                errors.Add($"{ArtifactOptions.Section}:ArtifactHosts:{i} is '{host}'; it must be a host name such as amazonaws.com (no scheme, path or port).");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
