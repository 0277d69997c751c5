using System.Security.Claims;
using Filecheck.Api;
using Filecheck.Api.Models;

using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>What "Check again" knows of the original: the form filled in, and the file's name to show.</summary>
public sealed record CheckStart(CheckForm Form, string? OriginalFileName, string? Problem)
{
    /// <summary>The original could not be read because Filecheck was unavailable: asking again later may bring it.</summary>
    public bool Unavailable { get; init; }
}

/// <summary>The answer to Submit: the new job, or why there is none (in words for the person who pressed it).</summary>
public sealed record CheckSubmission(Job? Job, string? Problem)
{
    /// <summary>Why Filecheck refused the job, when it answered at all (null: refused before asking, or a job was made).</summary>
    public FilecheckFailureKind? Failure { get; init; }

    public static CheckSubmission Refused(string problem) => new(null, problem);
}

/// <summary>
/// Runs a new check at Filecheck for a person: checks the form, the permission and the per-user limit, submits the
/// canonical <c>POST /jobs</c> once (never retried: a repeat would run and bill twice), and audits who asked and why.
/// </summary>
public sealed class CheckService(
    IFilecheckClient client, JobLookupService lookup, CheckQuota quota, ICheckAudit audit, TimeProvider clock,
    ILogger<CheckService> logger)
{
    /// <summary>The form for checking a file of an earlier job again: its order, customer and rule, and its file.</summary>
    public Task<CheckStart> StartFromAsync(string? jobId, string? taskId, CancellationToken ct = default) =>
        StartFromAsync(jobId, taskId, user: null, sameSteps: false, ct);

    /// <param name="user">Who asks (audited and within their lookup budget); null takes the signed-in user of the circuit.</param>
    /// <param name="sameSteps">Run the original file's steps again (autofix, validation), not the form's defaults.</param>
    public async Task<CheckStart> StartFromAsync(string? jobId, string? taskId, ClaimsPrincipal? user, bool sameSteps, CancellationToken ct = default)
    {
        var form = new CheckForm();
        if (string.IsNullOrEmpty(jobId)) return new CheckStart(form, null, null);
        var load = await lookup.LoadAsync(jobId, user, ct);
        if (load.View?.Job is not { } job)
            return new CheckStart(form, null, load.Problem?.Title ?? "The original job could not be read.") { Unavailable = load.Problem?.Kind == JobProblemKind.Unavailable };

        form.OriginalJobId = job.Id;
        form.OrderId = job.OrderId;
        form.CustomerId = job.CustomerId;
        form.RuleId = job.RuleId;
        var task = job.Tasks?.FirstOrDefault(t => t.Id == taskId) ?? (job.Tasks is { Count: 1 } one ? one[0] : null);
        if (task is null) return new CheckStart(form, null, taskId is null ? null : "That file is not part of the job; choose a file to upload.");

        form.OriginalTaskId = task.Id;
        form.FileName = task.Name;
        // This account's own upload can be named again; a file Filecheck fetched can be fetched again.
        if (task.FileRef is { Length: > 0 } fileRef && fileRef.StartsWith("upload_", StringComparison.Ordinal)) form.FileRef = fileRef;
        else if (Uri.TryCreate(task.Source, UriKind.Absolute, out var url) && url.Scheme is "https" or "http") form.Url = url.ToString();
        form.Source = form.FileRef is not null || form.Url is not null ? CheckSource.Original : CheckSource.Upload;
        var preflight = task.Steps?.FirstOrDefault(s => s.Type == "preflight");
        if (preflight?.Params is { ValueKind: System.Text.Json.JsonValueKind.Object } p && p.TryGetProperty("profileId", out var profile)
            && profile.ValueKind == System.Text.Json.JsonValueKind.String)
            form.ProfileId = profile.GetString();
        if (sameSteps && task.Steps is { Count: > 0 } steps)
        {
            form.Preflight = steps.Any(s => s.Type is "preflight" or "repreflight");
            form.Autofix = steps.Any(s => s.Type == "autofix");
            form.Validate = steps.Any(s => s.Type == "validate");
            // Always proofs: whoever asks for the same check again wants to see the file.
            form.Previews = true;
        }
        return new CheckStart(form, task.DisplayName, null);
    }

    public async Task<CheckSubmission> SubmitAsync(CheckForm form, string? uploadedFileRef, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var problems = form.Problems(fileChosen: uploadedFileRef is not null);
        if (problems.Count > 0) return CheckSubmission.Refused(string.Join(" ", problems));
        var key = UserKey.Of(user);
        var (taken, retryAfter) = await quota.TryTakeForAsync(key, uploadedFileRef, ct);
        if (!taken)
            return CheckSubmission.Refused($"You have run many checks in the last hour. The next one can run in {Format.Duration(retryAfter.Add(TimeSpan.FromSeconds(59)))} or so.");

        var name = user.Identity?.Name ?? key;
        var request = form.Build(uploadedFileRef, name);
        // Filecheck gets the whole address; the audit keeps it without its query and fragment, where a signature lives.
        var source = request.Sources[0].FileRef is { } fr ? "upload " + fr : "url " + SignedUrls.WithoutQuery(request.Sources[0].Url);
        var result = await client.CreateJobAsync(request, ct);
        var entry = new CheckAuditEntry(key, name, clock.GetUtcNow(), form.Note!.Trim(), form.OriginalJobId, form.OriginalTaskId, source, form.Describe(),
            result.IsSuccess ? result.Value.Id : null, result.IsSuccess ? "submitted" : "refused:" + result.Failure.Kind);
        try
        {
            await audit.RecordAsync(entry, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The job exists at Filecheck now: losing the audit row must not hide it from the person who asked for it.
            logger.LogError(e, "Could not audit the new check {JobId}", entry.NewJobId);
        }
        if (!result.IsSuccess) return CheckSubmission.Refused(FilecheckFailureText.For(result.Failure)) with { Failure = result.Failure.Kind };
        logger.LogInformation("New check {JobId} submitted ({Steps})", result.Value.Id, entry.Steps);
        return new CheckSubmission(result.Value, null);
    }
}
