using Filecheck.Api;

namespace Filecheck.Dashboard.Jobs;

/// <summary>Why a job could not be shown, worded for a person.</summary>
public sealed record JobProblem(JobProblemKind Kind, string Title, string Detail)
{
    public static JobProblem InvalidId(string reason) =>
        new(JobProblemKind.InvalidId, "That is not a job ID", reason);

    /// <summary>A title per kind; the sentence is the client's own wording (<see cref="FilecheckFailureText"/>), said once.</summary>
    public static JobProblem From(FilecheckFailure failure) => failure.Kind switch
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
}
