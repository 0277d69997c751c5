using Filecheck.Api.Models;

namespace Filecheck.Api;

/// <summary>The Filecheck REST API as the dashboard reads it. Every call returns a result; none throws for an upstream failure.</summary>
public interface IFilecheckClient
{
    Task<FilecheckResult<Job>> GetJobAsync(JobId id, CancellationToken cancellationToken = default);
    Task<FilecheckResult<RunsResponse>> GetRunsAsync(JobId id, CancellationToken cancellationToken = default);
    /// <param name="limit">1-100.</param>
    /// <param name="nextKey">The opaque cursor of the previous page, or null for the newest.</param>
    Task<FilecheckResult<JobListPage>> ListJobsAsync(int limit = 20, string? nextKey = null, CancellationToken cancellationToken = default);
    Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListWorkflowsAsync(CancellationToken cancellationToken = default);
    Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListRulesAsync(CancellationToken cancellationToken = default);
    Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListProfilesAsync(CancellationToken cancellationToken = default);
    Task<FilecheckResult<LibraryItem>> GetWorkflowAsync(string id, CancellationToken cancellationToken = default);
    Task<FilecheckResult<LibraryItem>> GetRuleAsync(string id, CancellationToken cancellationToken = default);
    Task<FilecheckResult<LibraryItem>> GetProfileAsync(string id, CancellationToken cancellationToken = default);

    // Requests that change something at Filecheck: never retried automatically (no idempotency keys; a repeat bills twice).
    // Default bodies keep test fakes that only read compiling; FilecheckClient implements them all.

    /// <summary><c>POST /uploads</c>: presigned credentials for one file (checked against the 500 MB limit first).</summary>
    Task<FilecheckResult<UploadTarget>> CreateUploadAsync(long? sizeBytes = null, string? mimeType = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(FilecheckResult<UploadTarget>.Fail(FilecheckFailureKind.InvalidRequest, "This client cannot upload files."));
    /// <summary>Streams <paramref name="length"/> bytes of <paramref name="content"/> to the presigned target; the fileRef on success.</summary>
    Task<FilecheckResult<string>> UploadAsync(UploadTarget target, Stream content, long length, string fileName, string? contentType = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(FilecheckResult<string>.Fail(FilecheckFailureKind.InvalidRequest, "This client cannot upload files."));
    /// <summary>The canonical <c>POST /jobs</c>; the new job as Filecheck answered it.</summary>
    Task<FilecheckResult<Job>> CreateJobAsync(CreateJobRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(FilecheckResult<Job>.Fail(FilecheckFailureKind.InvalidRequest, "This client cannot submit jobs."));
}

/// <summary>What went wrong, in terms the UI can word plainly.</summary>
public enum FilecheckFailureKind
{
    /// <summary>404: the job (or resource) does not exist for this key.</summary>
    NotFound,
    /// <summary>401/403 in either error shape: the key is missing, wrong or disabled.</summary>
    KeyRejected,
    /// <summary>400: the API refused the request as malformed.</summary>
    InvalidRequest,
    /// <summary>429, after the retries allowed.</summary>
    RateLimited,
    /// <summary>5xx, HTML bodies, timeouts, refused connections, an open circuit breaker.</summary>
    Unavailable,
    /// <summary>A 2xx body that does not deserialize into the expected shape.</summary>
    Malformed,
    /// <summary>A file over the upload limit (500 MB): refused before a byte is sent, or by the upload target.</summary>
    TooLarge,
    /// <summary>The presigned upload credentials expired (300 s) or were refused by the upload target.</summary>
    UploadExpired,
}

/// <param name="Kind">The category the UI words.</param>
/// <param name="Message">A short technical detail (status code, upstream message); never contains the key.</param>
/// <param name="StatusCode">The HTTP status, when there was a response.</param>
/// <param name="RetryAfter">From a 429's <c>Retry-After</c>, when given.</param>
/// <param name="RequestId">The gateway's <c>apigw-requestid</c>, when given.</param>
public sealed record FilecheckFailure(
    FilecheckFailureKind Kind,
    string Message,
    int? StatusCode = null,
    TimeSpan? RetryAfter = null,
    string? RequestId = null);

public sealed class FilecheckResult<T>
{
    private FilecheckResult(T? value, FilecheckFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }
    public FilecheckFailure? Failure { get; }
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Value))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    public static FilecheckResult<T> Success(T value) => new(value, null);
    public static FilecheckResult<T> Fail(FilecheckFailure failure) => new(default, failure);
    public static FilecheckResult<T> Fail(FilecheckFailureKind kind, string message, int? statusCode = null) =>
        new(default, new FilecheckFailure(kind, message, statusCode));

    public FilecheckResult<TOut> Map<TOut>(Func<T, TOut> map) =>
        IsSuccess ? FilecheckResult<TOut>.Success(map(Value)) : FilecheckResult<TOut>.Fail(Failure);
}
