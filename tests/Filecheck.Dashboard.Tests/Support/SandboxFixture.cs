using Filecheck.Api;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// A real sandbox over HTTP on 127.0.0.1, shared by a test class. Its clock stands still and no new jobs arrive, so a
/// test knows exactly which jobs exist and that none changes status while it runs.
/// </summary>
public class SandboxFixture : IAsyncLifetime
{
    private readonly SandboxOptions _options;

    public SandboxFixture() : this(300) { }

    protected SandboxFixture(int jobCount) : this(new SandboxOptions { JobCount = jobCount, Seed = 5, NewJobEvery = null }) { }

    /// <summary>A sandbox with these options, on this fixture's standing clock.</summary>
    protected SandboxFixture(SandboxOptions options) => _options = options;

    public SandboxServer Server { get; private set; } = default!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        _options.Clock = Clock;
        Server = await SandboxServer.StartAsync(_options);
    }

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

/// <summary>20,000 jobs, for the history sync tests that page through many.</summary>
public sealed class LargeSandboxFixture() : SandboxFixture(20_000);
