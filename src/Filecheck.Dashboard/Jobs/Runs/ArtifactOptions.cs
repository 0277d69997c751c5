using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary><c>Filecheck:ArtifactHosts</c>: the bucket hosts the dashboard may fetch proofs from or send downloads to.</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Filecheck";

    /// <summary>The bucket Filecheck's own answers point at (its published fixtures).</summary>
    public static readonly string[] DefaultHosts = ["fc-artifacts.s3.amazonaws.com"];

    /// <summary>
    /// Domains where anyone can have a bucket or a distribution: a wildcard over one would admit strangers' files, so
    /// only a whole bucket host under them is accepted.
    /// </summary>
    public static readonly string[] SharedCloudDomains =
    [
        "amazonaws.com", "cloudfront.net", "core.windows.net", "googleapis.com", "storage.googleapis.com", "r2.cloudflarestorage.com",
        "digitaloceanspaces.com", "backblazeb2.com", "wasabisys.com",
    ];

    /// <summary>Bucket host names, https only, each matched whole; <c>*.name</c> admits the subdomains of name; empty keeps <see cref="DefaultHosts"/>.</summary>
    public string[]? ArtifactHosts { get; set; }

    /// <summary>Set by the sandbox mode (not configuration): only this origin's URLs are allowed, whatever the hosts say.</summary>
    public Uri? OnlyOrigin { get; set; }

    public IReadOnlyList<string> Hosts => ArtifactHosts is { Length: > 0 } hosts ? hosts : DefaultHosts;

    /// <summary>Whether <paramref name="host"/> is the entry <paramref name="entry"/> (or, for <c>*.name</c>, one of its subdomains).</summary>
    public static bool Matches(string entry, string host) =>
        entry.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase) && host.Length > entry.Length - 1
            : host.Equals(entry, StringComparison.OrdinalIgnoreCase);
}

internal sealed class ArtifactOptionsValidator : IValidateOptions<ArtifactOptions>
{
    public ValidateOptionsResult Validate(string? name, ArtifactOptions o)
    {
        var errors = new List<string>();
        for (var i = 0; i < (o.ArtifactHosts?.Length ?? 0); i++)
        {
            var entry = o.ArtifactHosts![i];
            var wildcard = entry?.StartsWith("*.", StringComparison.Ordinal) == true;
            var host = wildcard ? entry![2..] : entry;
            // A host name only: a scheme, path or port here would silently never match.
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                errors.Add($"{ArtifactOptions.Section}:ArtifactHosts:{i} is '{entry}'; it must be a bucket host such as fc-artifacts.s3.amazonaws.com (no scheme, path or port).");
            }
            else if (ArtifactOptions.SharedCloudDomains.Any(d => host.Equals(d, StringComparison.OrdinalIgnoreCase)
                || (wildcard && host.EndsWith("." + d, StringComparison.OrdinalIgnoreCase))))
            {
                errors.Add($"{ArtifactOptions.Section}:ArtifactHosts:{i} is '{entry}', which names every customer's buckets on that cloud; "
                    + "name Filecheck's bucket host instead (such as fc-artifacts.s3.amazonaws.com).");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
