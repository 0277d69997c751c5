using System.Globalization;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One shared file as the customer sees it: its name, its result in words, how many proofs, its answer.</summary>
public sealed record SharedFileView(int Position, string Name, string ResultWord, string ResultKind, int ProofCount, bool CanDownload, ShareDecisionRecord? Decision);

/// <summary>The public page: only what was shared, fresh from Filecheck, or a plain "try later".</summary>
public sealed record SharePageModel(
    bool Unavailable, IReadOnlyList<SharedFileView> Files, string? Note, DateTimeOffset ExpiresAt, string ExpiresText, bool AskApproval)
{
    /// <summary>"Tuesday 8 December 2026, 14:05 UTC (in 6 days)".</summary>
    public static string DescribeExpiry(DateTimeOffset expires, DateTimeOffset now)
    {
        var left = expires - now;
        var relative = left.TotalDays >= 1.5 ? $"in {Math.Round(left.TotalDays)} days"
            : left.TotalHours >= 1.5 ? $"in {Math.Round(left.TotalHours)} hours"
            : left.TotalMinutes >= 1 ? $"in {Math.Ceiling(left.TotalMinutes)} minutes"
            : "in under a minute";
        if (left.TotalDays is >= 0.5 and < 1.5) relative = "in 1 day";
        return expires.UtcDateTime.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " UTC (" + relative + ")";
    }

    /// <summary>Clean, Fixed, Warnings, Failed: the words Filecheck's admin uses; anything else as "Checked".</summary>
    public static (string Word, string Kind) ResultOf(string? outcome) => outcome switch
    {
        Outcome.Pass or Outcome.Unchanged => ("Clean", "clean"),
        Outcome.Fixed => ("Fixed", "fixed"),
        Outcome.Warn => ("Warnings", "warnings"),
        Outcome.Fail or Outcome.Mixed => ("Failed", "failed"),
        null or "" => ("Not checked yet", "pending"),
        _ => ("Checked", "other"),
    };
}

/// <summary>Builds the public page and finds a shared file's fresh proof and download URLs.</summary>
public sealed class SharePageService(RunsService runs, TimeProvider clock)
{
    public async Task<SharePageModel> LoadAsync(ShareAccess share, CancellationToken ct)
    {
        var fresh = new Dictionary<string, RunsResponse>();
        foreach (var jobId in share.Files.Select(f => f.JobId).Distinct())
        {
            var result = await RunsOfAsync(jobId, fresh: true, ct);
            // Never a stored copy for a customer: one job that cannot be fetched and the page says "try later".
            if (result is not { IsSuccess: true }) return Empty(share, unavailable: true);
            fresh[jobId] = result.Value;
        }
        var files = new List<SharedFileView>();
        foreach (var file in share.Files)
        {
            var run = fresh[file.JobId].Runs.FirstOrDefault(r => r.Id == file.TaskId);
            var (word, kind) = SharePageModel.ResultOf(run?.Outcome);
            files.Add(new SharedFileView(file.Position, run?.DisplayName ?? (file.Name is { } stored ? Filecheck.Api.Models.VisibleText.DirectionControls(stored) : null) ?? $"File {file.Position}", word, kind,
                run?.Proofs.Count ?? 0, share.AllowDownloads && run is { } r && (r.HasOutput || r.DownloadUrl is not null),
                share.Decisions.FirstOrDefault(d => d.Position == file.Position)));
        }
        return new SharePageModel(false, files, share.Note, share.ExpiresAt, SharePageModel.DescribeExpiry(share.ExpiresAt, clock.GetUtcNow()), share.AskApproval);
    }

    private static SharePageModel Empty(ShareAccess share, bool unavailable) =>
        new(unavailable, [], share.Note, share.ExpiresAt, "", share.AskApproval);

    /// <summary>The run of one shared file, from the runs cache unless <paramref name="fresh"/>.</summary>
    public async Task<(Run? Run, FilecheckFailure? Failure)> RunAsync(SharedFileRecord file, bool fresh, CancellationToken ct)
    {
        var result = await RunsOfAsync(file.JobId, fresh, ct);
        if (result is null) return (null, new FilecheckFailure(FilecheckFailureKind.NotFound, "not a job id"));
        return result.IsSuccess ? (result.Value.Runs.FirstOrDefault(r => r.Id == file.TaskId), null) : (null, result.Failure);
    }

    public void Forget(string jobId)
    {
        if (JobId.TryParse(jobId, out var id, out _)) runs.Forget(id);
    }

    private async Task<FilecheckResult<RunsResponse>?> RunsOfAsync(string jobId, bool fresh, CancellationToken ct) =>
        JobId.TryParse(jobId, out var id, out _) ? await runs.GetAsync(id, fresh, ct) : null;
}
