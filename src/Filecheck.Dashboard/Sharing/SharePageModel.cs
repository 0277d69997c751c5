using System.Globalization;
using Filecheck.Api;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One shared file as the customer sees it: its name, its result in words, how many proofs, its answer.</summary>
public sealed record SharedFileView(int Position, string Name, string ResultWord, string ResultKind, int ProofCount, bool CanDownload, ShareDecisionRecord? Decision);

/// <summary>The public page: only what was shared, fresh from Filecheck, or a plain "try later".</summary>
public sealed record SharePageModel(
    bool Unavailable, IReadOnlyList<SharedFileView> Files, string? Note, DateTimeOffset ExpiresAt, string ExpiresText, bool AskApproval)
{
    /// <summary>The calls all shares may cause this minute are spent: the gate answers "try again in a minute" (503).</summary>
    public bool Busy { get; init; }

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

/// <summary>One shared file's run from the shared copy, the copy itself (to refresh it once), or why there is none.</summary>
public sealed record SharedRunLookup(Run? Run, RunsResponse? Copy, FilecheckFailure? Failure, bool BudgetSpent);

/// <summary>Builds the public page and finds a shared file's proof and download URLs, all from the shared copy of its job's runs.</summary>
public sealed class SharePageService(SharedRuns runs, TimeProvider clock)
{
    // The gate loads the page's model to answer 503 before rendering; the page then reads the same one for its request.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ShareAccess, SharePageModel> _loaded = new();

    public async Task<SharePageModel> LoadAsync(ShareAccess share, CancellationToken ct)
    {
        if (_loaded.TryGetValue(share, out var known)) return known;
        var model = await BuildAsync(share, ct);
        _loaded.AddOrUpdate(share, model);
        return model;
    }

    private async Task<SharePageModel> BuildAsync(ShareAccess share, CancellationToken ct)
    {
        var jobs = share.Files.Select(f => f.JobId).Distinct().ToList();
        var copies = new System.Collections.Concurrent.ConcurrentDictionary<string, SharedRunsResult>();
        // A few at a time: a first view of a big share waits less, and Filecheck sees no burst from one page.
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (jobId, token) =>
            copies[jobId] = JobId.TryParse(jobId, out var id, out _)
                ? await runs.GetAsync(id, token)
                : new SharedRunsResult(null, new FilecheckFailure(FilecheckFailureKind.NotFound, "not a job id"), false));
        if (copies.Values.Any(c => c.BudgetSpent)) return Empty(share, unavailable: true) with { Busy = true };
        // Never a stored copy for a customer: one job that cannot be fetched and the page says "try later".
        if (copies.Values.Any(c => !c.IsSuccess)) return Empty(share, unavailable: true);
        var files = new List<SharedFileView>();
        foreach (var file in share.Files)
        {
            var run = copies[file.JobId].Runs!.Runs.FirstOrDefault(r => r.Id == file.TaskId);
            var (word, kind) = SharePageModel.ResultOf(run?.Outcome);
            files.Add(new SharedFileView(file.Position, run?.DisplayName ?? (file.Name is { } stored ? Filecheck.Api.Models.VisibleText.DirectionControls(stored) : null) ?? $"File {file.Position}", word, kind,
                run?.Proofs.Count ?? 0, share.AllowDownloads && run is { } r && (r.HasOutput || r.DownloadUrl is not null),
                share.Decisions.FirstOrDefault(d => d.Position == file.Position)));
        }
        return new SharePageModel(false, files, share.Note, share.ExpiresAt, SharePageModel.DescribeExpiry(share.ExpiresAt, clock.GetUtcNow()), share.AskApproval);
    }

    private static SharePageModel Empty(ShareAccess share, bool unavailable) =>
        new(unavailable, [], share.Note, share.ExpiresAt, "", share.AskApproval);

    /// <summary>The run of one shared file from the shared copy; with <paramref name="failed"/>, after a URL of that copy failed.</summary>
    public async Task<SharedRunLookup> RunAsync(SharedFileRecord file, RunsResponse? failed, CancellationToken ct)
    {
        if (!JobId.TryParse(file.JobId, out var id, out _)) return new(null, null, new FilecheckFailure(FilecheckFailureKind.NotFound, "not a job id"), false);
        var result = failed is null ? await runs.GetAsync(id, ct) : await runs.RefreshAsync(id, failed, ct);
        return result.Runs is { } copy
            ? new(copy.Runs.FirstOrDefault(r => r.Id == file.TaskId), copy, null, false)
            : new(null, null, result.Failure, result.BudgetSpent);
    }
}
