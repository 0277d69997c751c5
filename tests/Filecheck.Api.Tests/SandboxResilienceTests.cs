using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Api.Tests;

/// <summary>One sandbox for the class; its faults are global, so these tests run one after another (one class).</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 50, NewJobEvery = null });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The registered client, with its real resilience pipeline, over real HTTP against the sandbox.</summary>
public sealed class SandboxResilienceTests : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    private const string UnknownJob = "job_not_in_the_sandbox_42";
    private readonly SandboxServer _server;
    private readonly List<ServiceProvider> _providers = [];

    public SandboxResilienceTests(SandboxFixture fixture)
    {
        _server = fixture.Server;
        _server.Faults.Clear();
        _server.Faults.RetryAfterSeconds = 1;
        _server.Requests.Reset();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _server.Faults.Clear();
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }

    /// <summary>A fresh container per test (its own circuit breaker), wired as the dashboard wires the in-process sandbox.</summary>
    private IFilecheckClient Client(Action<FilecheckOptions>? tweak = null, Uri? baseUrl = null, string? apiKey = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFilecheckClient(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            tweak?.Invoke(o);
        });
        services.PostConfigure<FilecheckOptions>(o =>
        {
            o.BaseUrl = baseUrl ?? _server.BaseAddress;
            o.ApiKey = apiKey ?? _server.ApiKey;
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IFilecheckClient>();
    }

    private static string JobPath(string id) => "/jobs/" + id;

    [Fact]
    public async Task GetJobAsync_WellKnownJobs_ReadOverRealHttp()
    {
        var client = Client();

        foreach (var id in new[] { WellKnownJobs.Passing, WellKnownJobs.Warning, WellKnownJobs.Failing, WellKnownJobs.Fixed, WellKnownJobs.Running })
        {
            var result = await client.GetJobAsync(JobId.Parse(id));

            Assert.True(result.IsSuccess, $"{id}: {result.Failure}");
            Assert.Equal(id, result.Value.Id);
            Assert.NotEmpty(result.Value.Tasks!);
            Assert.Equal(1, _server.Requests.Count(JobPath(id)));
        }
    }

    [Fact]
    public async Task GetRunsAsync_PassingJob_HasRunsWithProofs()
    {
        var result = await Client().GetRunsAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.True(result.IsSuccess, result.Failure?.ToString());
        Assert.Equal(WellKnownJobs.Passing, result.Value.Id);
        Assert.NotEmpty(result.Value.Runs);
    }

    [Fact]
    public async Task ListJobsAsync_TwoPages_FollowTheCursor()
    {
        var client = Client();

        var first = await client.ListJobsAsync(10);
        Assert.True(first.IsSuccess, first.Failure?.ToString());
        Assert.Equal(10, first.Value.Jobs.Count);
        Assert.NotNull(first.Value.NextKey);

        var second = await client.ListJobsAsync(10, first.Value.NextKey);
        Assert.True(second.IsSuccess, second.Failure?.ToString());
        Assert.NotEmpty(second.Value.Jobs);
        Assert.Empty(first.Value.Jobs.Select(j => j.Id).Intersect(second.Value.Jobs.Select(j => j.Id)));
    }

    [Fact]
    public async Task Library_ListsAndItems_ReadOverRealHttp()
    {
        var client = Client();

        var workflows = await client.ListWorkflowsAsync();
        var rules = await client.ListRulesAsync();
        var profiles = await client.ListProfilesAsync();

        Assert.True(workflows.IsSuccess, workflows.Failure?.ToString());
        Assert.True(rules.IsSuccess, rules.Failure?.ToString());
        Assert.True(profiles.IsSuccess, profiles.Failure?.ToString());
        // The sandbox serves all three libraries, so each list must have an item that reads back by its ID.
        Assert.NotEmpty(workflows.Value!);
        Assert.NotEmpty(rules.Value!);
        Assert.NotEmpty(profiles.Value!);
        var workflow = await client.GetWorkflowAsync(workflows.Value![0].Id);
        Assert.Equal(workflows.Value[0].Id, workflow.Value?.Id);
        var rule = await client.GetRuleAsync(rules.Value![0].Id);
        Assert.Equal(rules.Value[0].Id, rule.Value?.Id);
        var profile = await client.GetProfileAsync(profiles.Value![0].Id);
        Assert.Equal(profiles.Value[0].Id, profile.Value?.Id);
        Assert.Equal(profiles.Value[0].Name, profile.Value?.Name);
    }

    [Fact]
    public async Task Unavailable503_ThenOk_RetriedOnceAndSucceeds()
    {
        _server.Faults.Next(SandboxFault.Unavailable, 1);

        var result = await Client().GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.True(result.IsSuccess, result.Failure?.ToString());
        Assert.Equal(2, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
    }

    [Fact]
    public async Task RateLimited_RetryAfter2_WaitsBeforeTheRetrySucceeds()
    {
        _server.Faults.RetryAfterSeconds = 2;
        _server.Faults.Next(SandboxFault.RateLimited, 1);
        var client = Client();

        var stopwatch = Stopwatch.StartNew();
        var result = await client.GetJobAsync(JobId.Parse(WellKnownJobs.Passing));
        stopwatch.Stop();

        Assert.True(result.IsSuccess, result.Failure?.ToString());
        Assert.Equal(2, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
        // The backoff alone would be ~50 ms: only the Retry-After header explains a wait of about two seconds.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task RateLimited_Always_EndsAsRateLimitedWithRetryAfter()
    {
        _server.Faults.RetryAfterSeconds = 1;
        _server.Faults.Always(SandboxFault.RateLimited);

        var result = await Client(o => o.MaxRetries = 1).GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.Equal(FilecheckFailureKind.RateLimited, result.Failure!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Failure.RetryAfter);
        Assert.Equal(2, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
    }

    [Fact]
    public async Task Hang_EndsAsUnavailableWithinTheTotalTimeout()
    {
        _server.Faults.Always(SandboxFault.Hang);
        var client = Client(o =>
        {
            o.Timeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(3);
        });

        var stopwatch = Stopwatch.StartNew();
        var result = await client.GetJobAsync(JobId.Parse(WellKnownJobs.Passing));
        stopwatch.Stop();

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        // A margin for a loaded machine: what matters is that it ends near the budget, not after a minute of hanging.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(3), $"gave up after {stopwatch.Elapsed}");
        // Each try was cut off at a second and retried, rather than one try waiting out the whole budget.
        Assert.True(_server.Requests.Count(JobPath(WellKnownJobs.Passing)) >= 2);
    }

    [Fact]
    public async Task Hang_CallerCancels_ThrowsOperationCanceled()
    {
        _server.Faults.Always(SandboxFault.Hang);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Client().GetJobAsync(JobId.Parse(WellKnownJobs.Passing), cts.Token));
    }

    [Fact]
    public async Task HtmlBadGateway_IsUnavailableNotMalformed_AfterRetries()
    {
        _server.Faults.Always(SandboxFault.HtmlBadGateway);

        var result = await Client().GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        Assert.Equal(502, result.Failure.StatusCode);
        Assert.Equal(3, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
    }

    [Fact]
    public async Task MalformedJson_IsMalformed_NotRetried()
    {
        _server.Faults.Always(SandboxFault.MalformedJson);

        var result = await Client().GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.Equal(FilecheckFailureKind.Malformed, result.Failure!.Kind);
        Assert.Equal(1, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
    }

    [Fact]
    public async Task ServerError500_IsUnavailable_NotRetried()
    {
        _server.Faults.Always(SandboxFault.ServerError);

        var result = await Client().GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        Assert.Equal(500, result.Failure.StatusCode);
        Assert.Equal(1, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
    }

    [Fact]
    public async Task WrongKey_IsKeyRejected_AndTheKeyIsNotInTheMessage()
    {
        const string wrongKey = "sk_test_neverleak_123";

        var result = await Client(apiKey: wrongKey).GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.Equal(FilecheckFailureKind.KeyRejected, result.Failure!.Kind);
        Assert.Contains(result.Failure.StatusCode, new int?[] { 401, 403 });
        Assert.DoesNotContain(wrongKey, result.Failure.ToString());
        Assert.DoesNotContain(wrongKey, result.Failure.Describe());
        Assert.Equal(1, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
    }

    [Fact]
    public async Task UnknownJob_IsNotFound()
    {
        var result = await Client().GetJobAsync(JobId.Parse(UnknownJob));

        Assert.Equal(FilecheckFailureKind.NotFound, result.Failure!.Kind);
        Assert.Equal(404, result.Failure.StatusCode);
        Assert.Equal(1, _server.Requests.Count(JobPath(UnknownJob)));
    }

    [Fact]
    public async Task RepeatedFailures_OpenTheCircuit_ThenCallsStopReachingTheServer()
    {
        _server.Faults.Always(SandboxFault.Unavailable);
        var client = Client(o => o.MaxRetries = 0);

        var results = new List<FilecheckResult<Models.Job>>();
        for (var i = 0; i < 12; i++)
        {
            results.Add(await client.GetJobAsync(JobId.Parse(WellKnownJobs.Passing)));
        }

        Assert.All(results, r => Assert.Equal(FilecheckFailureKind.Unavailable, r.Failure!.Kind));
        // Minimum throughput 10 at a failure ratio of 1: the 11th and 12th calls are refused locally.
        Assert.Equal(10, _server.Requests.Count(JobPath(WellKnownJobs.Passing)));
        Assert.Contains("circuit", results[^1].Failure!.Message);
        Assert.Null(results[^1].Failure!.StatusCode);
    }

    [Fact]
    public async Task RefusedConnection_IsUnavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Client(baseUrl: new Uri($"http://127.0.0.1:{port}/")).GetJobAsync(JobId.Parse(WellKnownJobs.Passing));

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        Assert.Null(result.Failure.StatusCode);
    }
}
