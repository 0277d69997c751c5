using System.Globalization;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Runs;
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
    /// <summary>Comments can be written, edited and removed until the current round has an answer.</summary>
    public bool CommentsOpen => Decision is null;
}

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
    public async Task<SharePageModel> LoadAsync(ShareAccess share, CancellationToken ct) => await LoadAsync(share, [], ct);

    /// <param name="comments">Every comment on the share (the page shows those of the rounds it shows).</param>
    public async Task<SharePageModel> LoadAsync(ShareAccess share, IReadOnlyList<ShareCommentRecord> comments, CancellationToken ct)
    {
        var fresh = new Dictionary<string, RunsResponse>();
        var shown = share.Files.SelectMany(f =>
        {
            var current = share.CurrentRound(f.Position);
            return new[] { share.FileOf(f.Position, current), current > 1 ? share.FileOf(f.Position, current - 1) : null };
        }).OfType<RoundFile>().ToList();
        foreach (var jobId in shown.Select(f => f.JobId).Distinct())
        {
            var result = await RunsOfAsync(jobId, fresh: true, ct);
            // Never a stored copy for a customer: one job that cannot be fetched and the page says "try later".
            if (result is not { IsSuccess: true }) return Empty(share, unavailable: true);
            fresh[jobId] = result.Value;
        }
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
            });
        }
        return new SharePageModel(false, files, share.Note, share.ExpiresAt, SharePageModel.DescribeExpiry(share.ExpiresAt, clock.GetUtcNow()), share.AskApproval);
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

    /// <summary>The run of one shared file, from the runs cache unless <paramref name="fresh"/>.</summary>
    public Task<(Run? Run, FilecheckFailure? Failure)> RunAsync(SharedFileRecord file, bool fresh, CancellationToken ct) =>
        RunAsync(new RoundFile(file.Position, 1, file.JobId, file.TaskId, file.Name), fresh, ct);

    /// <summary>The run of one round of a shared file, from the runs cache unless <paramref name="fresh"/>.</summary>
    public async Task<(Run? Run, FilecheckFailure? Failure)> RunAsync(RoundFile file, bool fresh, CancellationToken ct)
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
