using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary>
/// Which signed URLs the dashboard fetches or sends a browser to: https on the bucket hosts Filecheck's artifacts live on
/// (<c>Filecheck:ArtifactHosts</c>, by default <c>fc-artifacts.s3.amazonaws.com</c>), each matched whole unless written
/// <c>*.name</c>; or only the origin the sandbox mode sets. Anything else in an answer is refused, so a proof URL cannot
/// make the server call an internal address, nor any other bucket on the same cloud.
/// </summary>
public sealed class ArtifactUrlPolicy(IOptions<ArtifactOptions> options)
{
    public bool IsAllowed(Uri url)
    {
        var o = options.Value;
        if (o.OnlyOrigin is { } origin)
        {
            return url.Scheme == origin.Scheme && url.Host == origin.Host && url.Port == origin.Port;
        }
        return url.Scheme == Uri.UriSchemeHttps && o.Hosts.Any(h => ArtifactOptions.Matches(h, url.Host));
    }
}
