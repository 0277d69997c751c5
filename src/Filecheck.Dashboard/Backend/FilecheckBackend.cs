using Filecheck.Api;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Backend;

/// <summary>What the dashboard talks to: the configured Filecheck API, or the built-in sandbox when none is configured.</summary>
public sealed record BackendInfo(bool IsSandbox, Uri BaseAddress);

public static class FilecheckBackend
{
    /// <summary>
    /// With no <c>Filecheck:BaseUrl</c>, starts the sandbox in-process on a loopback port with a key generated now and
    /// points the same <see cref="FilecheckClient"/> at it over HTTP; otherwise uses the configured API.
    /// </summary>
    public static WebApplicationBuilder AddFilecheckBackend(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var baseUrl = configuration["Filecheck:BaseUrl"];
        BackendInfo info;
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            var options = new SandboxOptions();
            configuration.GetSection("Sandbox").Bind(options);
            // Started now, so the client's base address is known before the container is built.
            var sandbox = SandboxServer.StartAsync(options).GetAwaiter().GetResult();
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Filecheck:BaseUrl"] = sandbox.BaseAddress.ToString(),
                ["Filecheck:ApiKey"] = sandbox.ApiKey,
            });
            builder.Services.AddSingleton(sandbox);
            builder.Services.AddHostedService<SandboxLifetime>();
            info = new BackendInfo(true, sandbox.BaseAddress);
        }
        else
        {
            // A malformed URL is reported by the options validation, which names the key.
            info = new BackendInfo(false, Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri : new Uri("about:blank"));
        }

        builder.Services.AddSingleton(info);
        builder.Services.AddFilecheckClient(configuration);
        return builder;
    }

    /// <summary>Stops the in-process sandbox with the host.</summary>
    private sealed class SandboxLifetime(SandboxServer sandbox) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public async Task StopAsync(CancellationToken cancellationToken) => await sandbox.DisposeAsync();
    }
}
