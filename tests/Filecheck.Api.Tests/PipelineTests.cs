using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Filecheck.Api.Tests;

/// <summary>The registered client with its real handlers and resilience pipeline, over a stub primary handler.</summary>
public sealed class PipelineTests
{
    private const string Key = StubClient.Key;

    private static (ServiceProvider Provider, StubHandler Handler, ListLoggerProvider Logs) Build(
        Func<HttpRequestMessage, HttpResponseMessage> respond, Action<FilecheckOptions>? tweak = null)
    {
        var handler = new StubHandler(respond);
        var logs = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddFilecheckClient(o =>
        {
            o.BaseUrl = new Uri("https://api.filecheck.test/");
            o.ApiKey = Key;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            tweak?.Invoke(o);
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        return (services.BuildServiceProvider(), handler, logs);
    }

    private static Func<HttpRequestMessage, HttpResponseMessage> Sequence(params Func<HttpResponseMessage>[] answers)
    {
        var queue = new ConcurrentQueue<Func<HttpResponseMessage>>(answers);
        return _ => queue.TryDequeue(out var next) ? next() : throw new InvalidOperationException("more requests than expected");
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body = "{\"error\":true,\"message\":\"x\"}") =>
        new(status) { Content = new StringContent(body) };

    private static HttpResponseMessage Job() => Answer(HttpStatusCode.OK, Fixtures.Read("job.full.json"));

    [Fact]
    public async Task Requests_CarryBearerKeyAcceptAndUserAgent()
    {
        var (provider, handler, _) = Build(Sequence(Job));
        await using var _p = provider;

        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse("job_abc"));

        Assert.True(result.IsSuccess);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(new AuthenticationHeaderValue("Bearer", Key), request.Headers.Authorization);
        Assert.Contains(new MediaTypeWithQualityHeaderValue("application/json"), request.Headers.Accept);
        Assert.Equal("filecheck-dashboard/1.0", request.Headers.UserAgent.ToString());
        Assert.Equal("https://api.filecheck.test/jobs/job_abc", request.RequestUri!.ToString());
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task TransientStatus_ThenOk_IsRetriedAndSucceeds(HttpStatusCode status)
    {
        var (provider, handler, _) = Build(Sequence(() => Answer(status), Job));
        await using var _p = provider;

        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse("job_abc"));

        Assert.True(result.IsSuccess, result.Failure?.ToString());
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task NetworkError_ThenOk_IsRetried()
    {
        var (provider, handler, _) = Build(Sequence(
            () => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"), Job));
        await using var _p = provider;

        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse("job_abc"));

        Assert.True(result.IsSuccess, result.Failure?.ToString());
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, FilecheckFailureKind.Unavailable)]
    [InlineData(HttpStatusCode.NotFound, FilecheckFailureKind.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized, FilecheckFailureKind.KeyRejected)]
    [InlineData(HttpStatusCode.BadRequest, FilecheckFailureKind.InvalidRequest)]
    public async Task NonTransientStatus_IsNotRetried(HttpStatusCode status, FilecheckFailureKind kind)
    {
        var (provider, handler, _) = Build(Sequence(() => Answer(status), Job));
        await using var _p = provider;

        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse("job_abc"));

        Assert.Equal(kind, result.Failure!.Kind);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task AlwaysUnavailable_TriesOnePlusMaxRetries()
    {
        var (provider, handler, _) = Build(_ => Answer(HttpStatusCode.ServiceUnavailable), o => o.MaxRetries = 3);
        await using var _p = provider;

        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse("job_abc"));

        Assert.Equal(FilecheckFailureKind.Unavailable, result.Failure!.Kind);
        Assert.Equal(503, result.Failure.StatusCode);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task RateLimited_RetryAfterBeyondBudget_ReturnedAtOnceWithRetryAfter()
    {
        var (provider, handler, _) = Build(_ =>
        {
            var response = Answer(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
            return response;
        });
        await using var _p = provider;

        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse("job_abc"));

        Assert.Equal(FilecheckFailureKind.RateLimited, result.Failure!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(120), result.Failure.RetryAfter);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Post_IsNeverRetried()
    {
        // The client only reads, but the pipeline is the safety net should a POST ever be added: a retried submit bills twice.
        var (provider, handler, _) = Build(_ => Answer(HttpStatusCode.ServiceUnavailable));
        await using var _p = provider;
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(FilecheckServiceCollectionExtensions.HttpClientName);

        using var response = await http.PostAsync("jobs", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task KeyNeverAppearsInFailureMessagesOrLogs()
    {
        var echo = $"{{\"error\":true,\"message\":\"bad key {Key}\"}}";
        var answers = new Func<HttpResponseMessage>[]
        {
            () => Answer(HttpStatusCode.BadRequest, echo),
            () => Answer(HttpStatusCode.NotFound, echo),
            () => Answer(HttpStatusCode.Unauthorized, $"{{\"message\":\"Unauthorized {Key}\"}}"),
            () => Answer(HttpStatusCode.InternalServerError, echo),
            () => Answer(HttpStatusCode.OK, $"<html>{Key}</html>"),
            () => throw new HttpRequestException("Connection refused"),
            () => throw new HttpRequestException("Connection refused"),
            () => throw new HttpRequestException("Connection refused"),
        };
        var (provider, _, logs) = Build(Sequence(answers));
        await using var _p = provider;
        var client = provider.GetRequiredService<IFilecheckClient>();

        var failures = new List<FilecheckFailure>();
        for (var i = 0; i < 6; i++)
        {
            var result = await client.GetJobAsync(JobId.Parse("job_abc"));
            failures.Add(result.Failure!);
        }

        Assert.Equal(
            [FilecheckFailureKind.InvalidRequest, FilecheckFailureKind.NotFound, FilecheckFailureKind.KeyRejected,
             FilecheckFailureKind.Unavailable, FilecheckFailureKind.Malformed, FilecheckFailureKind.Unavailable],
            failures.Select(f => f.Kind));
        Assert.All(failures, f =>
        {
            Assert.DoesNotContain(Key, f.Message);
            Assert.DoesNotContain(Key, f.ToString());
            Assert.DoesNotContain(Key, f.Describe());
        });
        Assert.Contains("bad key", failures[0].Message);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Key));
        Assert.Contains(logs.Lines, line => line.Contains("Filecheck GET jobs/job_abc answered 404"));
    }
}

internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            owner.Lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
