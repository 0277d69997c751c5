using System.Globalization;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Sharing;

/// <summary>One comment as the page lists it: its number (the pin's), where it is, what was said, and the answer to it.</summary>
public sealed record CommentView(int Number, long Id, int Proof, PinPosition? Pin, string Text, DateTimeOffset At, bool Edited,
    string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt);

/// <summary>One round of a shared file: its result, its proofs and the comments pinned on them, its answer.</summary>
public sealed record RoundView(int Round, string ResultWord, string ResultKind, int ProofCount, IReadOnlyList<CommentView> Comments, ShareDecisionRecord? Decision)
{
    public IEnumerable<CommentView> CommentsOn(int proof) => Comments.Where(c => c.Proof == proof);
}

/// <summary>
/// One shared file as the customer sees it: its name, its current round (result, proofs, pins, answer) and, once a
/// corrected file was added, the round before it and what changed between them.
/// </summary>
public sealed record SharedFileView(int Position, string Name, string ResultWord, string ResultKind, int ProofCount, bool CanDownload, ShareDecisionRecord? Decision)
{
    public RoundView Current { get; init; } = new(1, ResultWord, ResultKind, ProofCount, [], Decision);
    public RoundView? Previous { get; init; }
    public RoundChanges? Changes { get; init; }
    /// <summary>The corrected file the customer may send for the current round, or has sent; null when the link takes none.</summary>
    public CorrectedFileView? Corrected { get; init; }
    /// <summary>Comments can be written, edited and removed until the current round has an answer.</summary>
    public bool CommentsOpen => Decision is null;
}

public enum CorrectedFileState { Open, Checking, Failed, Spent, Closed }

/// <summary>What the page offers or says about a corrected file for the current round of one file (the link takes them).</summary>
public sealed record CorrectedFileView(CorrectedFileState State, int Round, string? FileName, string? Problem, int Left)
{
    /// <summary>The current round is the corrected file the customer sent (for the round before).</summary>
    public bool CurrentIsTheirs { get; init; }

    /// <summary>Null when the link takes no corrected files.</summary>
    public static CorrectedFileView? For(ShareAccess share, int position, int budget)
    {
        if (!share.AllowUploads) return null;
        var round = share.CurrentRound(position);
        var left = Math.Max(0, budget - share.UploadCount);
        var theirs = share.UploadFor(position, round - 1) is { State: CorrectedFileStates.Added };
        var sent = share.UploadFor(position, round);
        var state = sent?.State switch
        {
            CorrectedFileStates.Sending or CorrectedFileStates.Checking or CorrectedFileStates.Added => CorrectedFileState.Checking,
            CorrectedFileStates.Failed => CorrectedFileState.Failed,
            _ when share.DecisionOf(position, round)?.Decision == ShareDecisions.Approved => CorrectedFileState.Closed,
            _ when left == 0 => CorrectedFileState.Spent,
            _ => CorrectedFileState.Open,
        };
        return new CorrectedFileView(state, round, sent?.FileName, sent?.Problem, left) { CurrentIsTheirs = theirs };
    }
}

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
public sealed class SharePageService(SharedRuns runs, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SharingOptions> options)
{
    public Task<SharePageModel> LoadAsync(ShareAccess share, CancellationToken ct) => LoadAsync(share, [], ct);

    /// <param name="comments">Every comment on the share (the page shows those of the rounds it shows).</param>
    public async Task<SharePageModel> LoadAsync(ShareAccess share, IReadOnlyList<ShareCommentRecord> comments, CancellationToken ct)
    {
        var shown = share.Files.SelectMany(f =>
        {
            var current = share.CurrentRound(f.Position);
            return new[] { share.FileOf(f.Position, current), current > 1 ? share.FileOf(f.Position, current - 1) : null };
        }).OfType<RoundFile>().ToList();
        var copies = await CopiesAsync(share, shown.Select(f => f.JobId).Distinct().ToList(), ct);
        if (copies.Values.Any(c => c.BudgetSpent)) return Empty(share, unavailable: true) with { Busy = true };
        // Never a stored copy for a customer: one job that cannot be fetched and the page says "try later".
        if (copies.Values.Any(c => !c.IsSuccess)) return Empty(share, unavailable: true);
        var fresh = copies.ToDictionary(c => c.Key, c => c.Value.Runs!);
        var files = new List<SharedFileView>();
        foreach (var first in share.Files)
        {
            var number = share.CurrentRound(first.Position);
            var file = share.FileOf(first.Position, number)!;
            var run = fresh[file.JobId].Runs.FirstOrDefault(r => r.Id == file.TaskId);
            var current = Round(share, comments, file, run);
            var name = run?.DisplayName ?? ((file.Name ?? first.Name) is { } stored ? Filecheck.Api.Models.VisibleText.DirectionControls(stored) : null) ?? $"File {file.Position}";
            RoundView? previous = null;
            if (number > 1 && share.FileOf(first.Position, number - 1) is { } before)
            {
                previous = Round(share, comments, before, fresh[before.JobId].Runs.FirstOrDefault(r => r.Id == before.TaskId));
            }
            files.Add(new SharedFileView(file.Position, name, current.ResultWord, current.ResultKind, current.ProofCount,
                share.AllowDownloads && run is { } r && (r.HasOutput || r.DownloadUrl is not null), current.Decision)
            {
                Current = current,
                Previous = previous,
                Changes = RoundChanges.FromJson(share.Rounds.FirstOrDefault(x => x.Position == file.Position && x.Round == number)?.Changes),
                Corrected = CorrectedFileView.For(share, file.Position, options.Value.CorrectedFilesPerShare),
            });
        }
        return new SharePageModel(false, files, share.Note, share.ExpiresAt, SharePageModel.DescribeExpiry(share.ExpiresAt, clock.GetUtcNow()), share.AskApproval);
    }

    // The gate reads the page's runs to answer 503 before rendering; the page then reads the same copies for its request,
    // so a view asks Filecheck at most once per job even when it fails.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ShareAccess, IReadOnlyDictionary<string, SharedRunsResult>> _loaded = new();

    private async Task<IReadOnlyDictionary<string, SharedRunsResult>> CopiesAsync(ShareAccess share, IReadOnlyList<string> jobs, CancellationToken ct)
    {
        if (_loaded.TryGetValue(share, out var known)) return known;
        var copies = new System.Collections.Concurrent.ConcurrentDictionary<string, SharedRunsResult>();
        // A few at a time: a first view of a big share waits less, and Filecheck sees no burst from one page.
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (jobId, token) =>
            copies[jobId] = JobId.TryParse(jobId, out var id, out _)
                ? await runs.GetAsync(id, token)
                : new SharedRunsResult(null, new FilecheckFailure(FilecheckFailureKind.NotFound, "not a job id"), false));
        _loaded.AddOrUpdate(share, copies);
        return copies;
    }

    private static RoundView Round(ShareAccess share, IReadOnlyList<ShareCommentRecord> comments, RoundFile file, Run? run)
    {
        var (word, kind) = SharePageModel.ResultOf(run?.Outcome);
        var mine = comments.Where(c => c.Position == file.Position && c.Round == file.Round).OrderBy(c => c.Id)
            .Select((c, i) => new CommentView(i + 1, c.Id, c.Proof, c.X is { } x && c.Y is { } y ? new PinPosition(x, y) : null, c.Text, c.At,
                c.EditedAt is not null, c.Answer, c.AnsweredBy, c.AnsweredAt))
            .ToList();
        return new RoundView(file.Round, word, kind, run?.Proofs.Count ?? 0, mine, share.DecisionOf(file.Position, file.Round));
    }

    private static SharePageModel Empty(ShareAccess share, bool unavailable) =>
        new(unavailable, [], share.Note, share.ExpiresAt, "", share.AskApproval);

    /// <summary>The run of one shared file (its first round) from the shared copy; with <paramref name="failed"/>, after a URL of that copy failed.</summary>
    public Task<SharedRunLookup> RunAsync(SharedFileRecord file, RunsResponse? failed, CancellationToken ct) =>
        RunAsync(new RoundFile(file.Position, 1, file.JobId, file.TaskId, file.Name), failed, ct);

    /// <summary>The run of one round of a shared file from the shared copy; with <paramref name="failed"/>, after a URL of that copy failed.</summary>
    public async Task<SharedRunLookup> RunAsync(RoundFile file, RunsResponse? failed, CancellationToken ct)
    {
        if (!JobId.TryParse(file.JobId, out var id, out _)) return new(null, null, new FilecheckFailure(FilecheckFailureKind.NotFound, "not a job id"), false);
        var result = failed is null ? await runs.GetAsync(id, ct) : await runs.RefreshAsync(id, failed, ct);
        return result.Runs is { } copy
            ? new(copy.Runs.FirstOrDefault(r => r.Id == file.TaskId), copy, null, false)
            : new(null, null, result.Failure, result.BudgetSpent);
    }
}
