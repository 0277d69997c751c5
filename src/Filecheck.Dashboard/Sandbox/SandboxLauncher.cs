using Filecheck.Sandbox;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>Owns the in-process sandbox: started on first use, stopped with the container.</summary>
public sealed class SandboxLauncher(IOptions<SandboxOptions> options) : IAsyncDisposable
{
    private readonly Lazy<SandboxServer> _server = new(() => SandboxServer.StartAsync(options.Value).GetAwaiter().GetResult());

    /// <summary>The sandbox's settings (the webhook target is filled in once the dashboard listens).</summary>
    public SandboxOptions Options => options.Value;

    public SandboxServer Server => _server.Value;

    public async ValueTask DisposeAsync()
    {
        if (_server.IsValueCreated) await _server.Value.DisposeAsync();
    }
}
