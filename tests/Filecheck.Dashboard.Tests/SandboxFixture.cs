using Filecheck.Api;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests;

/// <summary>A real sandbox over HTTP on 127.0.0.1, shared by a test class.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = default!;

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 200, Seed = 11 });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The dashboard's real client registration pointed at this sandbox, with short timeouts for tests.</summary>
    public void AddClient(IServiceCollection services, string? apiKey = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Filecheck:BaseUrl"] = Server.BaseAddress.ToString(),
            ["Filecheck:ApiKey"] = apiKey ?? Server.ApiKey,
            ["Filecheck:Timeout"] = "00:00:02",
            ["Filecheck:TotalTimeout"] = "00:00:05",
            ["Filecheck:MaxRetries"] = "1",
        }).Build();
        services.AddLogging();
        services.AddFilecheckClient(configuration);
    }
}
