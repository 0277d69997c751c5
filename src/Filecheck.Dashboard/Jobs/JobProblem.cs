using Filecheck.Api;

namespace Filecheck.Dashboard.Jobs;

/// <summary>Why a job could not be shown, worded for a person.</summary>
public sealed record JobProblem(JobProblemKind Kind, string Title, string Detail)
{
    /// <summary>How long Filecheck asked us to wait (a 429's Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static JobProblem InvalidId(string reason) =>
        new(JobProblemKind.InvalidId, "That is not a job ID", reason);

    /// <summary>This person's own lookup budget is spent (not Filecheck's): nothing was asked.</summary>
    public static JobProblem TooManyLookups(TimeSpan retryAfter) =>
        new(JobProblemKind.TooManyRequests, "Slow down", Limits.UserLimits.Message(Limits.UserLimitKind.Lookups, retryAfter));

    /// <summary>A title per kind; the sentence is the client's own wording (<see cref="FilecheckFailureText"/>), said once.</summary>
    public static JobProblem From(FilecheckFailure failure) => Of(failure) with { RetryAfter = failure.RetryAfter };

    private static JobProblem Of(FilecheckFailure failure) => failure.Kind switch
    {
        FilecheckFailureKind.NotFound => new(JobProblemKind.NotFound, "No such job", failure.Describe()),
        FilecheckFailureKind.KeyRejected => new(JobProblemKind.KeyRejected, "Filecheck refused the dashboard's key", failure.Describe()),
        FilecheckFailureKind.RateLimited => new(JobProblemKind.Unavailable, "Filecheck asked us to slow down", failure.Describe()),
        FilecheckFailureKind.InvalidRequest => new(JobProblemKind.InvalidId, "Filecheck refused the request", failure.Describe()),
        FilecheckFailureKind.Malformed => new(JobProblemKind.Unavailable, "Filecheck sent an answer we could not read", failure.Describe()),
        _ => new(JobProblemKind.Unavailable, "Filecheck is not answering", failure.Describe()),
    };
}

public enum JobProblemKind
{
    InvalidId,
    NotFound,
    KeyRejected,
    Unavailable,
    /// <summary>The person's own per-minute limit; the detail says when to try again.</summary>
    TooManyRequests,
}
