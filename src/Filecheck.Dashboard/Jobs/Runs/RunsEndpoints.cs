using Filecheck.Api;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs.Limits;
using Microsoft.AspNetCore.Mvc;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary>
/// Proof images, downloads and the raw JSON reach the browser through the dashboard: the API key never does. Each has its
/// own per-person limit (<c>Limits:*</c>), and each view or download is audited with the user's stable ID.
/// </summary>
public static class RunsEndpoints
{
    public const string ProofClient = "filecheck-proofs";
    internal const long MaxProofBytes = CappedImageCopy.DefaultMaxBytes;

    internal static async Task<IResult> ProofAsync(
        string id, string taskId, int index, RunsService runs, ArtifactUrlPolicy policy, IHttpClientFactory http, CappedImageCopy copy,
        RunsAudit audit, HttpContext context)
    {
        if (!JobId.TryParse(id, out var jobId, out var error)) return Results.BadRequest(error);
        var ct = context.RequestAborted;
        var what = $"{taskId} proof {index}";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await runs.GetAsync(jobId, fresh: attempt > 0, ct);
            if (!result.IsSuccess) return audit.Failed(context, jobId, AuditActions.Proof, what, result.Failure, Upstream(result.Failure));
            var run = result.Value.Runs.FirstOrDefault(r => r.Id == taskId);
            if (run is null || index < 1 || index > run.Proofs.Count) return Results.NotFound("This file has no such proof.");
            if (!IsHttpUrl(run.Proofs[index - 1].Url, out var url) || !policy.IsAllowed(url)) return Results.NotFound("This proof has no usable address.");

            using var response = await http.CreateClient(ProofClient).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
            {
                var outcome = await copy.CopyAsync(response, context, StaffImageHeaders, ct);
                audit.Write(context, jobId, AuditActions.Proof, (outcome == CappedImageOutcome.Ok ? "shown " : "refused ") + what);
                if (outcome == CappedImageOutcome.Ok || context.Response.HasStarted) return Results.Empty;
                SafeHeaders(context.Response);
                return Results.StatusCode(outcome == CappedImageOutcome.Busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway);
            }
            // An expired or revoked signature: mint fresh URLs once, then give up.
            runs.Forget(jobId);
        }
        audit.Write(context, jobId, AuditActions.Proof, "failed " + what);
        return Results.StatusCode(StatusCodes.Status502BadGateway);
    }

    internal static async Task<IResult> DownloadAsync(string id, string taskId, RunsService runs, ArtifactUrlPolicy policy, RunsAudit audit, HttpContext context)
    {
        if (!JobId.TryParse(id, out var jobId, out var error)) return Results.BadRequest(error);
        // Always fresh: the browser follows this URL straight away.
        var result = await runs.GetAsync(jobId, fresh: true, context.RequestAborted);
        if (!result.IsSuccess) return audit.Failed(context, jobId, AuditActions.Download, taskId, result.Failure, Upstream(result.Failure));
        var run = result.Value.Runs.FirstOrDefault(r => r.Id == taskId);
        if (run is null) return Results.NotFound("This job has no such file.");
        if (!IsHttpUrl(run.DownloadUrl, out var url) || !policy.IsAllowed(url)) return Results.NotFound("This file has no output to download.");
        // Queued before the address goes out: a download nobody could tell was made is not sent.
        if (!audit.Write(context, jobId, AuditActions.Download, "sent " + taskId))
        {
            return Results.Problem("This download cannot be recorded right now, so it is not sent. Please try again in a minute.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        // Not Results.Redirect: it logs its destination (at Information), and a signed URL belongs in no log line.
        context.Response.Redirect(url.AbsoluteUri);
        return Results.Empty;
    }

    internal static async Task<IResult> RawJsonAsync(string id, JobLookupService lookup, HttpContext context)
    {
        // Through the lookup like the page: audited, written through to the history, the stored copy when Filecheck is down.
        var load = await lookup.LoadAsync(id, context.User, context.RequestAborted, action: AuditActions.RawJson);
        if (load.Problem is { } problem)
        {
            return problem.Kind switch
            {
                JobProblemKind.InvalidId => Results.BadRequest(problem.Detail),
                JobProblemKind.NotFound => Results.NotFound(problem.Detail),
                _ => Results.Problem(problem.Detail, statusCode: StatusCodes.Status502BadGateway),
            };
        }
        var json = SignedUrls.RedactedJson(load.View!.Job, indented: true);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", load.View.Job.Id + ".json");
    }

    /// <summary>Opened on its own, the image gets no origin and no script, whatever it turns out to be.</summary>
    private static void SafeHeaders(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox";
    }

    private static void StaffImageHeaders(HttpResponse response)
    {
        SafeHeaders(response);
        response.Headers.CacheControl = "private, max-age=300";
    }

    private static IResult Upstream(FilecheckFailure failure) => failure.Kind switch
    {
        FilecheckFailureKind.NotFound => Results.NotFound(JobProblem.From(failure).Detail),
        FilecheckFailureKind.InvalidRequest => Results.BadRequest(JobProblem.From(failure).Detail),
        _ => Results.Problem(JobProblem.From(failure).Detail, statusCode: StatusCodes.Status502BadGateway),
    };

    private static bool IsHttpUrl(string? text, out Uri url)
    {
        url = default!;
        return Uri.TryCreate(text, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
    }
}

/// <summary>
/// Proof views and downloads in the audit, by the user's stable ID: queued durably (the read audit), folded into the
/// store in batches, kept through a failing store and a graceful stop.
/// </summary>
public sealed class RunsAudit(IJobHistory history, ILogger<RunsAudit> logger)
{
    /// <summary>Queues the audit line; false (logged with its fields) when it cannot be queued.</summary>
    public bool Write(HttpContext context, JobId job, string action, string result)
    {
        var user = JobLookupService.AuditUserOf(context.User);
        try
        {
            history.QueueReadAudit(job.Value, user, action, result);
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "The {Action} of job {JobId} by user {UserId} ({Result}) could not be queued for the audit", action, job.Value, user.Id, result);
            return false;
        }
    }

    public IResult Failed(HttpContext context, JobId job, string action, string what, FilecheckFailure failure, IResult answer)
    {
        Write(context, job, action, $"failed:{failure.Kind} {what}");
        return answer;
    }
}
