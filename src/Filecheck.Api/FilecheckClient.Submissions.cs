using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Filecheck.Api.Models;
using Microsoft.Extensions.Logging;

namespace Filecheck.Api;

/// <summary>
/// The requests that change something at Filecheck: an upload and a submitted job. None is retried automatically:
/// the resilience pipeline retries GET and HEAD only, and the upload bypasses the pipeline altogether (its own client,
/// no API key: the presigned form carries its credentials). Input is checked before any byte is sent.
/// </summary>
public sealed partial class FilecheckClient
{
    /// <summary>The API's upload limit.</summary>
    public const long MaxUploadBytes = 500L * 1024 * 1024;
    public const string UploadHttpClientName = "filecheck-upload";
    public static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(30);

    private static readonly Lazy<HttpClient> SharedUploadHttp = new(() => new HttpClient { Timeout = UploadTimeout });
    private readonly HttpClient _uploadHttp;

    public async Task<FilecheckResult<UploadTarget>> CreateUploadAsync(long? sizeBytes = null, string? mimeType = null, CancellationToken cancellationToken = default)
    {
        if (sizeBytes is < 0)
        {
            return FilecheckResult<UploadTarget>.Fail(FilecheckFailureKind.InvalidRequest, "The file size cannot be negative.");
        }

        if (sizeBytes > MaxUploadBytes)
        {
            return FilecheckResult<UploadTarget>.Fail(TooLarge(sizeBytes.Value, MaxUploadBytes));
        }

        var askedAt = _time.GetUtcNow();
        var result = await PostAsync("uploads", new UploadRequest { SizeBytes = sizeBytes, MimeType = mimeType }, Json.UploadRequest, Json.UploadResponse, cancellationToken)
            .ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return FilecheckResult<UploadTarget>.Fail(result.Failure);
        }

        var r = result.Value;
        if (r.FileRef is not { Length: > 0 } fileRef || r.Upload?.Url is not { } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
        {
            return FilecheckResult<UploadTarget>.Fail(FilecheckFailureKind.Malformed, "The upload answer has no fileRef or no upload URL.", 200);
        }

        // Counted from when we asked, so the local expiry is never later than Filecheck's.
        var expires = askedAt + TimeSpan.FromSeconds(Math.Clamp(r.ExpiresIn ?? 300, 1, 86_400));
        return FilecheckResult<UploadTarget>.Success(new UploadTarget(
            fileRef, target, r.Upload.Fields ?? new Dictionary<string, string>(), r.MaxBytes ?? MaxUploadBytes, expires));
    }

    public async Task<FilecheckResult<string>> UploadAsync(
        UploadTarget target, Stream content, long length, string fileName, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(content);
        if (length < 0)
        {
            return FilecheckResult<string>.Fail(FilecheckFailureKind.InvalidRequest, "The file size cannot be negative.");
        }

        if (length > Math.Min(target.MaxBytes, MaxUploadBytes))
        {
            return FilecheckResult<string>.Fail(TooLarge(length, Math.Min(target.MaxBytes, MaxUploadBytes)));
        }

        if (_time.GetUtcNow() >= target.ExpiresAt)
        {
            return FilecheckResult<string>.Fail(FilecheckFailureKind.UploadExpired, "The upload credentials expired before the upload started.");
        }

        var safeName = string.IsNullOrWhiteSpace(fileName) ? "upload" : new string(fileName.Where(c => !char.IsControl(c) && c != '"').ToArray());
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in target.Fields)
        {
            form.Add(new StringContent(value), name);
        }

        var file = new ExactLengthStreamContent(content, length);
        file.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var media) ? media : new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", safeName); // S3 wants the file last

        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = form };
        HttpResponseMessage response;
        try
        {
            response = await _uploadHttp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUpstreamFailure(ex, cancellationToken))
        {
            LogUploadFailure(_logger, ex.GetType().Name);
            return FilecheckResult<string>.Fail(FromException(ex) with { Message = "The upload did not complete: " + FromException(ex).Message });
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            LogUpload(_logger, status, length);
            if (response.IsSuccessStatusCode)
            {
                return FilecheckResult<string>.Success(target.FileRef);
            }

            var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            return FilecheckResult<string>.Fail(MapUploadError(status, body));
        }
    }

    public async Task<FilecheckResult<Job>> CreateJobAsync(CreateJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request) is { } problem)
        {
            return FilecheckResult<Job>.Fail(FilecheckFailureKind.InvalidRequest, problem);
        }

        var result = await PostAsync("jobs", request, Json.CreateJobRequest, Json.JobPendingResponse, cancellationToken).ConfigureAwait(false);
        // 201/200 are { job }, a 202 is { pending: true, job }: one shape reads both.
        return Unwrap(result, r => r.Job, "job");
    }

    /// <summary>What is wrong with a submission, in a sentence, or null; checked before anything is sent.</summary>
    internal static string? Problem(CreateJobRequest request)
    {
        if (request.Sources is not { Count: >= 1 and <= 50 })
        {
            return "A check needs between 1 and 50 files.";
        }

        for (var i = 0; i < request.Sources.Count; i++)
        {
            var source = request.Sources[i];
            var which = request.Sources.Count == 1 ? "The file" : $"File {i + 1}";
            if ((source.Url is null) == (source.FileRef is null))
            {
                return $"{which} needs either a URL or an uploaded file (fileRef), not both.";
            }

            if (source.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)))
            {
                return $"{which}'s URL must start with http:// or https://.";
            }

            if (source.FileRef is { } fileRef && !FileRefPattern().IsMatch(fileRef))
            {
                return $"{which}'s fileRef must look like upload_…";
            }

            if (source.Steps is not { Count: >= 1 and <= 16 })
            {
                return $"{which} needs between 1 and 16 steps.";
            }

            foreach (var step in source.Steps)
            {
                if (!JobStepRequest.Types.Contains(step.Type))
                {
                    return $"Unknown step type '{step.Type}'. Known: {string.Join(", ", JobStepRequest.Types)}.";
                }

                if (step.Type == "validate" && step.Params?["profile"] is { } codes)
                {
                    var list = codes is System.Text.Json.Nodes.JsonArray a ? a.Select(c => c?.ToString()) : [codes.ToString()];
                    if (list.FirstOrDefault(c => c is null || !JobStepRequest.ValidationCodes.Contains(c)) is { } bad)
                    {
                        return $"Unknown validation profile '{bad}'. Known: {string.Join(", ", JobStepRequest.ValidationCodes)}.";
                    }
                }
            }
        }

        if (request.MetaData is { } meta && meta.ToJsonString().Length > 4096)
        {
            return "The note (metaData) must be at most 4 KB.";
        }

        return null;
    }

    [GeneratedRegex("^upload_[A-Za-z0-9._-]+$")]
    private static partial Regex FileRefPattern();

    private static FilecheckFailure TooLarge(long size, long limit) =>
        new(FilecheckFailureKind.TooLarge, $"the file is {Megabytes(size)}; Filecheck accepts at most {Megabytes(limit)}.");

    private static string Megabytes(long bytes) =>
        (bytes / 1024.0 / 1024.0).ToString(bytes < 10 * 1024 * 1024 ? "0.0" : "0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>The upload target speaks S3: XML errors with a Code. Expired and refused credentials read as one kind.</summary>
    internal static FilecheckFailure MapUploadError(int status, string body)
    {
        var code = Regex.Match(body, "<Code>([^<]{1,64})</Code>").Groups[1].Value;
        var message = Regex.Match(body, "<Message>([^<]{1,300})</Message>").Groups[1].Value;
        var detail = code.Length > 0 ? $"HTTP {status} {code}: {message}" : $"HTTP {status}";
        return (status, code) switch
        {
            (_, "EntityTooLarge") or (413, _) => new FilecheckFailure(FilecheckFailureKind.TooLarge, "the upload target refused it as too large (" + detail + ").", status),
            (403, _) when message.Contains("expired", StringComparison.OrdinalIgnoreCase) || code == "ExpiredToken" =>
                new FilecheckFailure(FilecheckFailureKind.UploadExpired, "The upload credentials expired (" + detail + ").", status),
            (403, _) => new FilecheckFailure(FilecheckFailureKind.UploadExpired, "The upload target refused the credentials (" + detail + ").", status),
            ( >= 500, _) => new FilecheckFailure(FilecheckFailureKind.Unavailable, "The upload target failed (" + detail + ").", status),
            _ => new FilecheckFailure(FilecheckFailureKind.InvalidRequest, "The upload target refused the file (" + detail + ").", status),
        };
    }

    private async Task<FilecheckResult<TResponse>> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, CancellationToken cancellationToken)
        where TResponse : class
    {
        if (_http.BaseAddress is null)
        {
            return FilecheckResult<TResponse>.Fail(FilecheckFailureKind.Unavailable, "Filecheck:BaseUrl is not configured.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestInfo)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUpstreamFailure(ex, cancellationToken))
        {
            LogPostTransportFailure(_logger, path, ex.GetType().Name);
            // Without an answer nobody knows whether Filecheck acted on it; the caller must look before trying again.
            var failure = FromException(ex);
            return FilecheckResult<TResponse>.Fail(failure with { Message = failure.Message + " It may or may not have been received; check before sending it again." });
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var requestId = response.Headers.TryGetValues(RequestIdHeader, out var ids) ? ids.FirstOrDefault() : null;
            LogPostResponse(_logger, path, status, requestId);
            try
            {
                if (response.IsSuccessStatusCode)
                {
                    return await ReadSuccessAsync(response, responseInfo, requestId, cancellationToken).ConfigureAwait(false);
                }

                var text = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
                return FilecheckResult<TResponse>.Fail(MapError(response.StatusCode, text, RetryAfterOf(response, _time), requestId));
            }
            catch (Exception ex) when (IsUpstreamFailure(ex, cancellationToken))
            {
                return FilecheckResult<TResponse>.Fail(FromException(ex) with { StatusCode = status, RequestId = requestId });
            }
        }
    }

    /// <summary>Sends exactly the declared number of bytes, so the form's Content-Length is known and a short stream is an error.</summary>
    private sealed class ExactLengthStreamContent(Stream source, long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[81920];
            var left = length;
            while (left > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"The file ended {left} bytes before its declared length.");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                left -= read;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long value)
        {
            value = length;
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Filecheck POST {Path} answered {Status} (request id {RequestId})")]
    private static partial void LogPostResponse(ILogger logger, string path, int status, string? requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Filecheck POST {Path} failed without an answer ({ExceptionType}); not retried")]
    private static partial void LogPostTransportFailure(ILogger logger, string path, string exceptionType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upload of {Bytes} bytes answered {Status}")]
    private static partial void LogUpload(ILogger logger, int status, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upload failed without an answer ({ExceptionType}); not retried")]
    private static partial void LogUploadFailure(ILogger logger, string exceptionType);
}
