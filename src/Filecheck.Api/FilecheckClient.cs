using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Filecheck.Api.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Filecheck.Api;

/// <summary>
/// The typed HttpClient for the Filecheck REST API. Timeouts, retries and the circuit breaker live in the
/// HttpClient's resilience handler (see <see cref="FilecheckServiceCollectionExtensions"/>); this class turns every
/// answer, or the lack of one, into a <see cref="FilecheckResult{T}"/>. Only the caller's own cancellation throws.
/// </summary>
public sealed partial class FilecheckClient : IFilecheckClient
{
    public const int MinListLimit = 1;
    public const int MaxListLimit = 100;
    internal const int MaxErrorBodyChars = 16 * 1024;
    internal const int MaxMessageChars = 500;
    internal const string RequestIdHeader = "apigw-requestid";

    private static readonly FilecheckJsonContext Json = FilecheckJsonContext.Default;

    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly IOptionsMonitor<FilecheckOptions>? _options;
    private readonly TimeProvider _time;

    public FilecheckClient(
        HttpClient http,
        ILogger<FilecheckClient>? logger = null,
        IOptionsMonitor<FilecheckOptions>? options = null,
        TimeProvider? timeProvider = null,
        IHttpClientFactory? httpClientFactory = null)
    {
        _uploadHttp = httpClientFactory?.CreateClient(UploadHttpClientName) ?? SharedUploadHttp.Value;
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;

        // Relative request paths ("jobs/x") must resolve below a base such as https://host/v1/, not replace "v1".
        if (_http.BaseAddress is { } baseAddress && !baseAddress.AbsolutePath.EndsWith('/'))
        {
            _http.BaseAddress = new Uri(baseAddress.AbsoluteUri + "/");
        }
    }

    public async Task<FilecheckResult<Job>> GetJobAsync(JobId id, CancellationToken cancellationToken = default)
    {
        if (id.Value is null)
        {
            return FilecheckResult<Job>.Fail(FilecheckFailureKind.InvalidRequest, "No job ID was given.");
        }

        var result = await GetAsync("jobs/" + Uri.EscapeDataString(id.Value), Json.JobResponse, cancellationToken).ConfigureAwait(false);
        return Unwrap(result, r => r.Job, "job");
    }

    public async Task<FilecheckResult<RunsResponse>> GetRunsAsync(JobId id, CancellationToken cancellationToken = default)
    {
        if (id.Value is null)
        {
            return FilecheckResult<RunsResponse>.Fail(FilecheckFailureKind.InvalidRequest, "No job ID was given.");
        }

        var result = await GetAsync("jobs/" + Uri.EscapeDataString(id.Value) + "?expand=runs", Json.RunsResponse, cancellationToken)
            .ConfigureAwait(false);
        return Unwrap(result, r => r.Runs is null ? null : r, "runs");
    }

    public async Task<FilecheckResult<JobListPage>> ListJobsAsync(int limit = 20, string? nextKey = null, CancellationToken cancellationToken = default)
    {
        if (limit is < MinListLimit or > MaxListLimit)
        {
            return FilecheckResult<JobListPage>.Fail(
                FilecheckFailureKind.InvalidRequest, $"The page size must be between {MinListLimit} and {MaxListLimit}; it was {limit}.");
        }

        if (nextKey is not null && (nextKey.Length is 0 or > 4096 || nextKey.Any(char.IsControl)))
        {
            return FilecheckResult<JobListPage>.Fail(FilecheckFailureKind.InvalidRequest, "The page cursor (nextKey) is not valid.");
        }

        var path = "jobs?limit=" + limit.ToString(CultureInfo.InvariantCulture)
                   + (nextKey is null ? "" : "&nextKey=" + Uri.EscapeDataString(nextKey));
        var result = await GetAsync(path, Json.JobListPage, cancellationToken).ConfigureAwait(false);
        return Unwrap(result, r => r.Jobs is null ? null : r, "jobs");
    }

    public async Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListWorkflowsAsync(CancellationToken cancellationToken = default) =>
        Unwrap(await GetAsync("workflows", Json.WorkflowList, cancellationToken).ConfigureAwait(false), r => r.Workflows, "workflows");

    public async Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListRulesAsync(CancellationToken cancellationToken = default) =>
        Unwrap(await GetAsync("rules", Json.RuleList, cancellationToken).ConfigureAwait(false), r => r.Rules, "rules");

    public async Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListProfilesAsync(CancellationToken cancellationToken = default) =>
        Unwrap(await GetAsync("profiles", Json.ProfileList, cancellationToken).ConfigureAwait(false), r => r.Profiles, "profiles");

    public Task<FilecheckResult<LibraryItem>> GetWorkflowAsync(string id, CancellationToken cancellationToken = default) =>
        GetLibraryItemAsync("workflows", id, Json.WorkflowResponse, r => r.Workflow, "workflow", cancellationToken);

    public Task<FilecheckResult<LibraryItem>> GetRuleAsync(string id, CancellationToken cancellationToken = default) =>
        GetLibraryItemAsync("rules", id, Json.RuleResponse, r => r.Rule, "rule", cancellationToken);

    public Task<FilecheckResult<LibraryItem>> GetProfileAsync(string id, CancellationToken cancellationToken = default) =>
        GetLibraryItemAsync("profiles", id, Json.ProfileResponse, r => r.Profile, "profile", cancellationToken);

    private async Task<FilecheckResult<LibraryItem>> GetLibraryItemAsync<TEnvelope>(
        string collection, string id, JsonTypeInfo<TEnvelope> typeInfo, Func<TEnvelope, LibraryItem?> select, string field,
        CancellationToken cancellationToken)
        where TEnvelope : class
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200 || id.Any(char.IsControl))
        {
            return FilecheckResult<LibraryItem>.Fail(FilecheckFailureKind.InvalidRequest, $"That is not a valid {field} ID.");
        }

        var result = await GetAsync(collection + "/" + Uri.EscapeDataString(id), typeInfo, cancellationToken).ConfigureAwait(false);
        return Unwrap(result, select, field);
    }

    private static FilecheckResult<TOut> Unwrap<TEnvelope, TOut>(FilecheckResult<TEnvelope> result, Func<TEnvelope, TOut?> select, string field)
        where TOut : class
    {
        if (!result.IsSuccess)
        {
            return FilecheckResult<TOut>.Fail(result.Failure);
        }

        return select(result.Value) is { } value
            ? FilecheckResult<TOut>.Success(value)
            : FilecheckResult<TOut>.Fail(FilecheckFailureKind.Malformed, $"The answer has no '{field}'.", 200);
    }

    private async Task<FilecheckResult<T>> GetAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (_http.BaseAddress is null)
        {
            return FilecheckResult<T>.Fail(FilecheckFailureKind.Unavailable, "Filecheck:BaseUrl is not configured.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        HttpResponseMessage response;
        try
        {
            // Buffered (the default), so HttpClient.Timeout also covers a body that never finishes.
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUpstreamFailure(ex, cancellationToken))
        {
            LogTransportFailure(_logger, path, ex.GetType().Name);
            return FilecheckResult<T>.Fail(FromException(ex));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var requestId = response.Headers.TryGetValues(RequestIdHeader, out var ids) ? ids.FirstOrDefault() : null;
            LogResponse(_logger, path, status, requestId);

            try
            {
                if (response.IsSuccessStatusCode)
                {
                    return await ReadSuccessAsync(response, typeInfo, requestId, cancellationToken).ConfigureAwait(false);
                }

                var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
                return FilecheckResult<T>.Fail(MapError(response.StatusCode, body, RetryAfterOf(response, _time), requestId));
            }
            catch (Exception ex) when (IsUpstreamFailure(ex, cancellationToken))
            {
                return FilecheckResult<T>.Fail(FromException(ex) with { StatusCode = status, RequestId = requestId });
            }
        }
    }

    private async Task<FilecheckResult<T>> ReadSuccessAsync<T>(
        HttpResponseMessage response, JsonTypeInfo<T> typeInfo, string? requestId, CancellationToken cancellationToken)
        where T : class
    {
        var status = (int)response.StatusCode;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var value = await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
            return value is null
                ? FilecheckResult<T>.Fail(new FilecheckFailure(FilecheckFailureKind.Malformed, $"HTTP {status} with an empty (null) body.", status, null, requestId))
                : FilecheckResult<T>.Success(value);
        }
        catch (JsonException ex)
        {
            // JsonException messages name the path and position, never the body's content.
            var where = ex.Path is { Length: > 0 } p ? $" at {p}" : "";
            return FilecheckResult<T>.Fail(new FilecheckFailure(
                FilecheckFailureKind.Malformed, $"HTTP {status} with a body that is not the expected JSON{where}.", status, null, requestId));
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var text = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text;
    }

    /// <summary>Maps a non-2xx answer by its status code; the body only supplies the upstream message.</summary>
    internal FilecheckFailure MapError(HttpStatusCode statusCode, string body, TimeSpan? retryAfter, string? requestId)
    {
        var status = (int)statusCode;
        var isJson = TryReadErrorBody(body, out var error);
        var upstream = Clean(error?.Message);

        FilecheckFailure Failure(FilecheckFailureKind kind, string message) =>
            new(kind, Redact(message), status, null, requestId);

        if (status == 429)
        {
            var wait = retryAfter is { } r ? $" Retry after {Math.Ceiling(r.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s." : "";
            return Failure(FilecheckFailureKind.RateLimited, $"HTTP 429 Too Many Requests.{wait}") with { RetryAfter = retryAfter };
        }

        if (!isJson)
        {
            // An HTML or plain-text error page comes from an intermediary (load balancer, proxy), not from Filecheck's app.
            return Failure(FilecheckFailureKind.Unavailable, $"HTTP {status} with a non-JSON body (an intermediary's error page).");
        }

        var suffix = upstream is null ? "" : ": " + upstream;
        return status switch
        {
            404 or 410 => Failure(FilecheckFailureKind.NotFound, $"HTTP {status}{suffix}"),
            401 or 403 => Failure(FilecheckFailureKind.KeyRejected, $"HTTP {status}{suffix}"),
            400 or 422 => Failure(FilecheckFailureKind.InvalidRequest, upstream ?? $"HTTP {status} without a message."),
            408 => Failure(FilecheckFailureKind.Unavailable, $"HTTP 408 Request Timeout{suffix}"),
            >= 500 => Failure(FilecheckFailureKind.Unavailable, $"HTTP {status}{suffix}"),
            >= 400 => Failure(FilecheckFailureKind.InvalidRequest, upstream ?? $"HTTP {status}."),
            _ => Failure(FilecheckFailureKind.Unavailable, $"Unexpected HTTP {status}{suffix}"),
        };
    }

    /// <summary>True for an empty body or a JSON object; <paramref name="error"/> holds either error shape.</summary>
    private static bool TryReadErrorBody(string body, out ErrorBody? error)
    {
        error = null;
        var trimmed = body.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return true;
        }

        if (trimmed[0] != '{')
        {
            return false;
        }

        try
        {
            error = JsonSerializer.Deserialize(body, Json.ErrorBody);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal FilecheckFailure FromException(Exception ex)
    {
        var message = ex switch
        {
            BrokenCircuitException => "Filecheck failed repeatedly, so calls are paused for a short while (circuit open).",
            TimeoutRejectedException t => $"No answer within {t.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.",
            HttpRequestException { HttpRequestError: var error } => $"Could not reach Filecheck ({error}).",
            OperationCanceledException => "No answer in time (the request was cancelled by a timeout).",
            _ => $"Could not read Filecheck's answer ({ex.GetType().Name}).",
        };
        return new FilecheckFailure(FilecheckFailureKind.Unavailable, Redact(message));
    }

    private static bool IsUpstreamFailure(Exception ex, CancellationToken callerToken) => ex switch
    {
        // The caller's own cancellation is not a failure of Filecheck: let it surface.
        OperationCanceledException when callerToken.IsCancellationRequested => false,
        OperationCanceledException => true, // includes TaskCanceledException from HttpClient.Timeout
        TimeoutRejectedException => true,
        BrokenCircuitException => true,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };

    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static string? Clean(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        var oneLine = string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length > MaxMessageChars ? oneLine[..MaxMessageChars] + "…" : oneLine;
    }

    /// <summary>Defence in depth: an upstream message that echoes the key must not carry it further.</summary>
    private string Redact(string message)
    {
        var key = _options?.CurrentValue.ApiKey?.Trim();
        return string.IsNullOrEmpty(key) ? message : message.Replace(key, "[redacted key]", StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Filecheck GET {Path} answered {Status} (request id {RequestId})")]
    private static partial void LogResponse(ILogger logger, string path, int status, string? requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Filecheck GET {Path} failed without an answer ({ExceptionType})")]
    private static partial void LogTransportFailure(ILogger logger, string path, string exceptionType);
}
