using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Api.Tests;

/// <summary>
/// The interactive client (people) and the background client (sync, webhooks) over real HTTP against one sandbox: a
/// throttled or failing background never opens the breaker staff go through, and a 429 never opens the people's breaker.
/// </summary>
public sealed class TrafficSeparationTests : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    private readonly SandboxServer _server;
    private ServiceProvider _provider = null!;

    public TrafficSeparationTests(SandboxFixture fixture)
    {
        _server = fixture.Server;
        _server.Faults.Clear();
    }

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFilecheckClient(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            o.MaxRetries = 0;
        });
        services.PostConfigure<FilecheckOptions>(o =>
        {
            o.BaseUrl = _server.BaseAddress;
            o.ApiKey = _server.ApiKey;
        });
        _provider = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _server.Faults.Clear();
        await _provider.DisposeAsync();
    }

    private IFilecheckClient Interactive => _provider.GetRequiredService<IFilecheckClient>();
    private IFilecheckClient Background => _provider.GetRequiredKeyedService<IFilecheckClient>(FilecheckServiceCollectionExtensions.BackgroundClientName);
    private static readonly JobId Passing = JobId.Parse(WellKnownJobs.Passing);

    [Fact]
    public async Task Interactive_Many429s_BreakerStaysClosedAndTheNextCallIsAnswered()
    {
        // A Retry-After beyond the call's budget: handed back at once, as a throttled person sees it.
        _server.Faults.RetryAfterSeconds = 120;
        _server.Faults.Always(SandboxFault.RateLimited);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(FilecheckFailureKind.RateLimited, (await Interactive.GetJobAsync(Passing)).Failure?.Kind);
        }

        _server.Faults.Clear();
        var after = await Interactive.GetJobAsync(Passing);

        // Counting 429 as a failure opened the breaker here, and staff got "circuit open" for 15 s more.
        Assert.True(after.IsSuccess, after.Failure?.ToString());
    }

    [Fact]
    public async Task Background_FailingUntilItsBreakerOpens_InteractiveStillAnswered()
    {
        _server.Faults.Always(SandboxFault.Unavailable);
        for (var i = 0; i < 20; i++) await Background.GetJobAsync(Passing);
        _server.Faults.Clear();

        var background = await Background.GetJobAsync(Passing);
        var interactive = await Interactive.GetJobAsync(Passing);

        // The background's own breaker is open (so it is real, and it is the background's)...
        Assert.Equal(FilecheckFailureKind.Unavailable, background.Failure?.Kind);
        Assert.Contains("circuit open", background.Failure!.Message);
        // ...and people are not locked out by it.
        Assert.True(interactive.IsSuccess, interactive.Failure?.ToString());
    }

    [Fact]
    public async Task Background_Throttled_OpensOnlyItsOwnBreaker()
    {
        _server.Faults.RetryAfterSeconds = 120;
        _server.Faults.Always(SandboxFault.RateLimited);
        for (var i = 0; i < 20; i++) await Background.GetJobAsync(Passing);
        _server.Faults.Clear();

        // The sync backs off as a whole while Filecheck throttles it; staff go on.
        Assert.Contains("circuit open", (await Background.GetJobAsync(Passing)).Failure?.Message);
        Assert.True((await Interactive.GetJobAsync(Passing)).IsSuccess);
    }
}
