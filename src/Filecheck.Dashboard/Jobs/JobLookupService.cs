using Filecheck.Api;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs;

/// <summary>A job as the job page shows it, with the names of its workflow and rule.</summary>
public sealed record JobView(Job Job, string? WorkflowName, string? RuleName, DateTimeOffset FetchedAt);

public sealed record JobLoad(JobView? View, JobProblem? Problem)
{
    public static JobLoad Ok(JobView view) => new(view, null);
    public static JobLoad Failed(JobProblem problem) => new(null, problem);
}

/// <summary>Looks up one job for a page: validates the ID first, then asks Filecheck.</summary>
public sealed class JobLookupService(IFilecheckClient client, LibraryNames names, TimeProvider clock)
{
    public async Task<JobLoad> LoadAsync(string? text, CancellationToken ct = default)
    {
        if (!JobId.TryParse(text, out var id, out var error))
        {
            return JobLoad.Failed(JobProblem.InvalidId(error ?? "Enter a job ID."));
        }
        var result = await client.GetJobAsync(id, ct);
        if (!result.IsSuccess)
        {
            return JobLoad.Failed(JobProblem.From(result.Failure));
        }
        var job = result.Value;
        var workflow = names.WorkflowAsync(job.WorkflowId, ct);
        var rule = names.RuleAsync(job.RuleId, ct);
        return JobLoad.Ok(new JobView(job, await workflow, await rule, clock.GetUtcNow()));
    }
}
