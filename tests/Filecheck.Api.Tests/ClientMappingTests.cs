using System.Net;
using System.Net.Http.Headers;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Filecheck.Api.Tests;

/// <summary>FilecheckClient alone over a stub handler: how each answer (or its absence) becomes a result.</summary>
public sealed class ClientMappingTests
{
    private static readonly JobId Missing = JobId.Parse("job_missing");

    [Theory]
    [InlineData("errors/app-400.json", 400, FilecheckFailureKind.InvalidRequest)]
    [InlineData("errors/app-404.json", 404, FilecheckFailureKind.NotFound)]
    [InlineData("errors/app-500.json", 500, FilecheckFailureKind.Unavailable)]
    [InlineData("errors/gw-401.json", 401, FilecheckFailureKind.KeyRejected)]
    [InlineData("errors/gw-403.json", 403, FilecheckFailureKind.KeyRejected)]
    [InlineData("errors/html-502.txt", 502, FilecheckFailureKind.Unavailable)]
    public async Task GetJobAsync_ErrorFixture_MapsToKind(string fixture, int status, FilecheckFailureKind expected)
    {
        var mediaType = fixture.EndsWith(".txt") ? "text/html" : "application/json";
        var client = StubClient.Over(StubHandler.Returning((HttpStatusCode)status, Fixtures.Read(fixture), mediaType));

        var result = await client.GetJobAsync(Missing);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Failure.Kind);
        Assert.Equal(status, result.Failure.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Describe()));
    }

    [Fact]
    public async Task GetJobAsync_App400_CarriesTheAppMessage()
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.BadRequest, Fixtures.Read("errors/app-400.json")));

        var result = await client.GetJobAsync(Missing);

        Assert.StartsWith("sources is required.", result.Failure!.Message);
        Assert.StartsWith("Filecheck refused the request: sources is required.", FilecheckFailureText.For(result.Failure));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.OK)]
    public async Task GetJobAsync_HtmlBody_IsUnavailableOrMalformedNeverTheStatusKind(HttpStatusCode status)
    {
        var client = StubClient.Over(StubHandler.Returning(status, Fixtures.Read("errors/html-502.txt"), "text/html"));

        var result = await client.GetJobAsync(Missing);

        // An error page from an intermediary says nothing about the job or the key; a 2xx that is not JSON is unreadable.
        Assert.Equal(status == HttpStatusCode.OK ? FilecheckFailureKind.Malformed : FilecheckFailureKind.Unavailable, result.Failure!.Kind);
    }

    [Fact]
    public async Task GetJobAsync_StatusDecides_NotMessageText()
    {
        // A 404 whose text talks about authorization is still NotFound; a 401 that says "not found" is still KeyRejected.
        var notFound = StubClient.Over(StubHandler.Returning(HttpStatusCode.NotFound, """{"error":true,"message":"Unauthorized"}"""));
        var rejected = StubClient.Over(StubHandler.Returning(HttpStatusCode.Unauthorized, """{"error":true,"message":"Job not found"}"""));

        Assert.Equal(FilecheckFailureKind.NotFound, (await notFound.GetJobAsync(Missing)).Failure!.Kind);
        Assert.Equal(FilecheckFailureKind.KeyRejected, (await rejected.GetJobAsync(Missing)).Failure!.Kind);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"job\":null}")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{\"job\":{\"status\":\"done\"}}")]
    [InlineData("{\"job\":{\"id\":\"job_x\",\"tasks\":[{\"id\":\"t\",\"steps\":[{\"id\":\"s\",\"duration\":\"7000\"}]}]}}")]
    [InlineData("")]
    public async Task GetJobAsync_2xxBodyNotAJob_IsMalformed(string body)
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.OK, body));

        var result = await client.GetJobAsync(Missing);

        Assert.Equal(FilecheckFailureKind.Malformed, result.Failure!.Kind);
        Assert.Equal(200, result.Failure.StatusCode);
    }

    [Theory]
    [InlineData("{\"workflows\":null}")]
    [InlineData("{\"workflows\":[{\"name\":\"no id\"}]}")]
    public async Task ListWorkflowsAsync_BadShape_IsMalformed(string body)
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.OK, body));

        Assert.Equal(FilecheckFailureKind.Malformed, (await client.ListWorkflowsAsync()).Failure!.Kind);
    }

    [Fact]
    public async Task RateLimited_DeltaSeconds_ParsedIntoRetryAfter()
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.TooManyRequests, "", tweak: r =>
            r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(42))));

        var failure = (await client.GetJobAsync(Missing)).Failure!;

        Assert.Equal(FilecheckFailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(42), failure.RetryAfter);
        Assert.Equal("Filecheck asked us to slow down. Try again in 42 seconds.", failure.Describe());
    }

    [Fact]
    public async Task RateLimited_HttpDate_ParsedIntoRetryAfter()
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.TooManyRequests, "Too Many Requests", "text/plain", r =>
            r.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(90))));

        var failure = (await client.GetJobAsync(Missing)).Failure!;

        Assert.Equal(FilecheckFailureKind.RateLimited, failure.Kind);
        Assert.InRange(failure.RetryAfter!.Value.TotalSeconds, 80, 91);
    }

    [Fact]
    public async Task Failure_CarriesGatewayRequestId()
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.NotFound, Fixtures.Read("errors/app-404.json"), tweak: r =>
            r.Headers.TryAddWithoutValidation("apigw-requestid", "Yx7kLg8TIAMEbQw=")));

        var failure = (await client.GetJobAsync(Missing)).Failure!;

        Assert.Equal("Yx7kLg8TIAMEbQw=", failure.RequestId);
        Assert.Contains("Job not found: job_missing", failure.Message);
    }

    public static TheoryData<Exception> TransportFailures => new()
    {
        new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)"),
        new TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:10'.", TimeSpan.FromSeconds(10)),
        new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.",
            new TimeoutException()),
        new BrokenCircuitException("The circuit is now open and is not allowing calls."),
        new IOException("The response ended prematurely."),
    };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public async Task GetJobAsync_TransportFailure_IsUnavailable(Exception failure)
    {
        var client = StubClient.Over(new StubHandler(_ => throw failure));

        var result = await client.GetJobAsync(Missing);

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        Assert.Null(result.Failure.StatusCode);
    }

    [Fact]
    public async Task GetJobAsync_CallerCancels_Throws()
    {
        using var cts = new CancellationTokenSource();
        var client = StubClient.Over(new StubHandler(_ =>
        {
            cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
            throw new InvalidOperationException("unreachable");
        }));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetJobAsync(Missing, cts.Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(int.MaxValue)]
    public async Task ListJobsAsync_LimitOutOfRange_InvalidRequestWithoutSending(int limit)
    {
        var handler = StubHandler.Returning(HttpStatusCode.OK, Fixtures.Read("jobs.list.json"));
        var client = StubClient.Over(handler);

        var result = await client.ListJobsAsync(limit);

        Assert.Equal(FilecheckFailureKind.InvalidRequest, result.Failure!.Kind);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Requests_UseTheDocumentedPathsBelowTheBase()
    {
        var handler = new StubHandler(r => new HttpResponseMessage(HttpStatusCode.NotFound));
        var client = StubClient.Over(handler);

        await client.GetJobAsync(JobId.Parse("job_abc"));
        await client.GetRunsAsync(JobId.Parse("job_abc"));
        await client.ListJobsAsync(100, "eyJ+/=");
        await client.ListJobsAsync(1);
        await client.ListWorkflowsAsync();
        await client.ListRulesAsync();
        await client.ListProfilesAsync();
        await client.GetWorkflowAsync("wf_business_cards");
        await client.GetRuleAsync("../admin?x=1#y");
        await client.GetProfileAsync("preflight_standard_x1a");

        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
        Assert.Equal(
        [
            "/v1/jobs/job_abc",
            "/v1/jobs/job_abc?expand=runs",
            "/v1/jobs?limit=100&nextKey=eyJ%2B%2F%3D",
            "/v1/jobs?limit=1",
            "/v1/workflows",
            "/v1/rules",
            "/v1/profiles",
            "/v1/workflows/wf_business_cards",
            "/v1/rules/..%2Fadmin%3Fx%3D1%23y",
            "/v1/profiles/preflight_standard_x1a",
        ], handler.Requests.Select(r => r.RequestUri!.PathAndQuery));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("wf\n1")]
    public async Task GetWorkflowAsync_BadId_InvalidRequestWithoutSending(string id)
    {
        var handler = new StubHandler(r => new HttpResponseMessage(HttpStatusCode.OK));
        var client = StubClient.Over(handler);

        Assert.Equal(FilecheckFailureKind.InvalidRequest, (await client.GetWorkflowAsync(id)).Failure!.Kind);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetJobAsync_DefaultJobId_InvalidRequestWithoutSending()
    {
        var handler = new StubHandler(r => new HttpResponseMessage(HttpStatusCode.OK));

        var result = await StubClient.Over(handler).GetJobAsync(default);

        Assert.Equal(FilecheckFailureKind.InvalidRequest, result.Failure!.Kind);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Library_ReadsListAndItem()
    {
        var list = StubClient.Over(StubHandler.Returning(HttpStatusCode.OK,
            """{"profiles":[{"id":"preflight_standard_x1a","name":"PDF/X-1a","enabled":true,"source":"store","kind":"pdf","extra":{"a":1}}]}"""));
        var item = StubClient.Over(StubHandler.Returning(HttpStatusCode.OK,
            """{"rule":{"id":"rule_business_cards","name":"Business cards","enabled":false,"source":"domain"}}"""));

        var profile = Assert.Single((await list.ListProfilesAsync()).Value!);
        var rule = (await item.GetRuleAsync("rule_business_cards")).Value!;

        Assert.Equal(("PDF/X-1a", "pdf", "store"), (profile.Name, profile.Kind, profile.Source));
        Assert.Equal(("Business cards", false), (rule.Name, rule.Enabled));
    }

    [Fact]
    public async Task NoBaseUrl_IsUnavailableWithoutThrowing()
    {
        var client = new FilecheckClient(new HttpClient(new StubHandler(_ => throw new InvalidOperationException())));

        var result = await client.GetJobAsync(Missing);

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        Assert.Contains("Filecheck:BaseUrl", result.Failure.Message);
    }
}
