using Filecheck.Dashboard.Backend;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary>
/// Which signed URLs the dashboard fetches or sends a browser to: https on the artifact hosts Filecheck uses
/// (<c>Filecheck:ArtifactHosts</c>, by default <c>amazonaws.com</c> and its subdomains), or the built-in sandbox itself.
/// Anything else in an answer is refused, so a proof URL cannot make the server call an internal address.
/// </summary>
public sealed class ArtifactUrlPolicy(IServiceProvider services, IConfiguration? configuration = null, BackendInfo? backend = null)
{
    private readonly string[] _hosts = configuration?.GetSection("Filecheck:ArtifactHosts").Get<string[]>() is { Length: > 0 } hosts
        ? hosts
        : ["amazonaws.com"];

    public bool IsAllowed(Uri url)
    {
        if (backend is { IsSandbox: true } && services.GetService<SandboxLauncher>()?.Server.BaseAddress is { } sandbox)
        {
            return url.Scheme == sandbox.Scheme && url.Host == sandbox.Host && url.Port == sandbox.Port;
        }
        return url.Scheme == Uri.UriSchemeHttps
            && _hosts.Any(h => url.Host.Equals(h, StringComparison.OrdinalIgnoreCase)
                || url.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));
    }
}
