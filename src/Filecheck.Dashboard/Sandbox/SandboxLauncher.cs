using Filecheck.Sandbox;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>Owns the in-process sandbox: started on first use, stopped with the container.</summary>
public sealed class SandboxLauncher(IOptions<SandboxOptions> options) : IAsyncDisposable
{
    private readonly Lazy<SandboxServer> _server = new(() => Start(options.Value));

    /// <summary>The sandbox's settings (the webhook target is filled in once the dashboard listens).</summary>
    public SandboxOptions Options => options.Value;

    public SandboxServer Server => _server.Value;

    /// <summary>
    /// Starts the sandbox's web host apart from the dashboard's execution flow: a test host (WebApplicationFactory) takes
    /// any host built on the flow that started the dashboard for its own and swaps in its in-memory server, which left
    /// the sandbox with no address now and then when the dashboard checked its settings soon after it was built.
    /// </summary>
    private static SandboxServer Start(SandboxOptions options)
    {
        Task<SandboxServer> start;
        using (ExecutionContext.SuppressFlow()) start = Task.Run(() => SandboxServer.StartAsync(options));
        return start.GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsValueCreated) await _server.Value.DisposeAsync();
    }
}
