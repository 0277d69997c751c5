using Filecheck.Api;

namespace Filecheck.Dashboard.Jobs;

/// <summary>Why a job could not be shown, worded for a person.</summary>
public sealed record JobProblem(JobProblemKind Kind, string Title, string Detail)
{
    public static JobProblem InvalidId(string reason) =>
        new(JobProblemKind.InvalidId, "That is not a job ID", reason);

    public static JobProblem From(FilecheckFailure failure) => failure.Kind switch
    {
        FilecheckFailureKind.NotFound => new(JobProblemKind.NotFound, "No such job",
            "Filecheck has no job with this ID. Check it for a typo, or whether the job belongs to another Filecheck account."),
        FilecheckFailureKind.KeyRejected => new(JobProblemKind.KeyRejected, "Filecheck refused the dashboard's key",
            "The API key the dashboard uses was rejected. An administrator needs to check the Filecheck:ApiKey setting."),
        FilecheckFailureKind.RateLimited => new(JobProblemKind.Unavailable, "Filecheck asked us to slow down",
            failure.RetryAfter is { } wait
                ? $"Too many requests right now. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds."
                : "Too many requests right now. Try again in a minute."),
        FilecheckFailureKind.InvalidRequest => new(JobProblemKind.InvalidId, "Filecheck refused the request",
            "Filecheck said the request was not valid. Check the job ID."),
        FilecheckFailureKind.Malformed => new(JobProblemKind.Unavailable, "Filecheck sent an answer we could not read",
            "The answer did not have the expected shape. Try again; if it persists, the API may have changed."),
        _ => new(JobProblemKind.Unavailable, "Filecheck is not answering",
            "The Filecheck API is unavailable or too slow right now. Try again in a minute."),
    };
}

public enum JobProblemKind
{
    InvalidId,
    NotFound,
    KeyRejected,
    Unavailable,
}
