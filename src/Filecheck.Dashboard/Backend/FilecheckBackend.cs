using Filecheck.Api;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Backend;

/// <summary>What the dashboard talks to: the configured Filecheck API, or the built-in sandbox when none is configured.</summary>
public sealed record BackendInfo(bool IsSandbox);

public static class FilecheckBackend
{
    /// <summary>
    /// With no <c>Filecheck:BaseUrl</c>, starts the sandbox in-process on a loopback port with a key generated at start
    /// and points the same <see cref="FilecheckClient"/> at it over HTTP; otherwise uses the configured API.
    /// </summary>
    public static WebApplicationBuilder AddFilecheckBackend(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        services.AddFilecheckClient(configuration);

        var isSandbox = string.IsNullOrWhiteSpace(configuration["Filecheck:BaseUrl"]);
        services.AddSingleton(new BackendInfo(isSandbox));
        if (isSandbox)
        {
            var options = new SandboxOptions();
            configuration.GetSection("Sandbox").Bind(options);
            services.AddSingleton(new SandboxLauncher(options));
            // Read when the client's options are first needed (at start, by their validation): the sandbox's own web host
            // is built only after the dashboard's, which keeps test hosts that capture the first host built on ours.
            services.AddOptions<FilecheckOptions>().PostConfigure<SandboxLauncher>((o, launcher) =>
            {
                o.BaseUrl = launcher.Server.BaseAddress;
                o.ApiKey = launcher.Server.ApiKey;
            });
            services.AddHostedService<SandboxStarter>();
        }
        return builder;
    }

    /// <summary>Starts the sandbox with the dashboard, not on the first lookup.</summary>
    private sealed class SandboxStarter(SandboxLauncher launcher, ILogger<SandboxStarter> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("No Filecheck:BaseUrl configured: using the built-in sandbox API at {BaseAddress}", launcher.Server.BaseAddress);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Owns the in-process sandbox: started on first use, stopped with the container.</summary>
public sealed class SandboxLauncher(SandboxOptions options) : IAsyncDisposable
{
    private readonly Lazy<SandboxServer> _server = new(() => SandboxServer.StartAsync(options).GetAwaiter().GetResult());

    /// <summary>The sandbox's settings; other features may add to them (e.g. webhooks) before it starts.</summary>
    public SandboxOptions Options => options;

    public SandboxServer Server => _server.Value;

    public async ValueTask DisposeAsync()
    {
        if (_server.IsValueCreated) await _server.Value.DisposeAsync();
    }
}
