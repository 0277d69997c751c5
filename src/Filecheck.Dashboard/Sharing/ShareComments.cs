using System.Globalization;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Sharing;

public enum CommentOutcome { Recorded, Invalid, Gone, Unavailable }

public sealed record CommentResult(CommentOutcome Outcome, string? Message = null, long? Id = null);

/// <summary>
/// The customer's comments pinned on proofs, and customer success's answers. A comment belongs to the current round of
/// a file and can be edited or removed until that round has an answer; each change writes its audit row in its own
/// SaveChanges and tells open pages at once.
/// </summary>
public sealed class ShareComments(
    IDbContextFactory<DashboardDbContext> factory, StoreMigrator history, TimeProvider clock, ShareLinkService shares,
    SharePageService pages, ShareNotifier notifier, ShareBusRelay relay)
{
    /// <summary>Every comment on a share, in the order it was written.</summary>
    public async Task<IReadOnlyList<ShareCommentRecord>> ListAsync(long shareId, CancellationToken ct = default)
    {
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ShareComments.AsNoTracking().Where(c => c.ShareId == shareId).OrderBy(c => c.Id).ToListAsync(ct);
    }

    /// <summary>Adds, edits or removes a comment from the public page; every refusal says why and changes nothing.</summary>
    public async Task<CommentResult> PostAsync(string? token, CommentPost post, CancellationToken ct = default)
    {
        var share = await shares.OpenAsync(token, ct);
        if (share is null) return new(CommentOutcome.Gone);
        if (share.Files.All(f => f.Position != post.Position)) return Invalid("There is no such file on this page.");
        var current = share.CurrentRound(post.Position);
        if (post.Round is not null && !ShareLinkService.IsRound(post.Round, current)) return Invalid(ShareLinkService.RoundClosed(current));
        if (share.DecisionOf(post.Position, current) is not null) return Invalid("You have already answered for this file, so its comments are closed.");
        var file = share.FileOf(post.Position, current)!;
        return post.Action switch
        {
            CommentAction.Add => await AddAsync(share, file, post, ct),
            CommentAction.Edit or CommentAction.Remove => await ChangeAsync(share, file, post, ct),
            _ => Invalid("The form was incomplete."),
        };
    }

    private async Task<CommentResult> AddAsync(ShareAccess share, RoundFile file, CommentPost post, CancellationToken ct)
    {
        if (CheckText(post.Text) is { } textProblem) return Invalid(textProblem);
        if (!int.TryParse(post.Proof, NumberStyles.None, CultureInfo.InvariantCulture, out var proof) || proof < 1 || proof > ShareLimits.MaxProofIndex)
            return Invalid("Choose the proof the comment is about.");
        if (!PinPosition.TryParse(post.X, post.Y, out var pin, out var pinProblem)) return Invalid(pinProblem!);
        var (run, _, failure, spent) = await pages.RunAsync(file, failed: null, ct);
        if (failure is not null || spent) return new(CommentOutcome.Unavailable, "Your comment could not be checked right now. Please try again in a few minutes.");
        if (run is null || proof > run.Proofs.Count) return Invalid("There is no such proof for this file.");

        await using var db = await factory.CreateDbContextAsync(ct);
        var count = await db.ShareComments.CountAsync(c => c.ShareId == share.Id && c.Position == file.Position && c.Round == file.Round, ct);
        if (count >= ShareLimits.MaxCommentsPerRound) return Invalid($"This file has {ShareLimits.MaxCommentsPerRound} comments, the most one version can hold. Say the rest in your answer.");
        var text = post.Text!.Trim();
        var comment = new ShareCommentRecord
        {
            ShareId = share.Id, Position = file.Position, Round = file.Round, Proof = proof, X = pin?.X, Y = pin?.Y, Text = text, At = clock.GetUtcNow(),
        };
        db.ShareComments.Add(comment);
        db.ShareAudit.Add(shares.Audit(share.Id, ShareActions.Comment, ShareLinkService.Recipient,
            $"on {Describe(file)}, proof {proof}{(pin is { } p ? ", pinned at " + p.Describe() : "")}: {Clip(text)}"));
        await SaveAnnouncedAsync(db, share.Id, ShareActions.Comment, ct);
        Publish(share, file, ShareActions.Comment);
        return new(CommentOutcome.Recorded, null, comment.Id);
    }

    private async Task<CommentResult> ChangeAsync(ShareAccess share, RoundFile file, CommentPost post, CancellationToken ct)
    {
        if (!long.TryParse(post.CommentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return Invalid("There is no such comment.");
        if (post.Action == CommentAction.Edit && CheckText(post.Text) is { } textProblem) return Invalid(textProblem);
        await using var db = await factory.CreateDbContextAsync(ct);
        var comment = await db.ShareComments.FirstOrDefaultAsync(c => c.Id == id && c.ShareId == share.Id && c.Position == file.Position, ct);
        if (comment is null) return Invalid("There is no such comment.");
        if (comment.Round != file.Round) return Invalid(ShareLinkService.RoundClosed(file.Round));
        if (post.Action == CommentAction.Remove)
        {
            db.ShareComments.Remove(comment);
            db.ShareAudit.Add(shares.Audit(share.Id, ShareActions.CommentRemove, ShareLinkService.Recipient, $"on {Describe(file)}: {Clip(comment.Text)}"));
        }
        else
        {
            var before = comment.Text;
            comment.Text = post.Text!.Trim();
            comment.EditedAt = clock.GetUtcNow();
            db.ShareAudit.Add(shares.Audit(share.Id, ShareActions.CommentEdit, ShareLinkService.Recipient, $"on {Describe(file)}: {Clip(before)} → {Clip(comment.Text)}"));
        }
        var action = post.Action == CommentAction.Remove ? ShareActions.CommentRemove : ShareActions.CommentEdit;
        await SaveAnnouncedAsync(db, share.Id, action, ct);
        Publish(share, file, action);
        return new(CommentOutcome.Recorded, null, id);
    }

    /// <summary>Customer success answers a comment; the customer sees it under the comment. A second answer replaces the first.</summary>
    public async Task<string?> AnswerAsync(long commentId, string? text, string user, CancellationToken ct = default)
    {
        if (CheckText(text, "answer") is { } problem) return problem;
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var comment = await db.ShareComments.FirstOrDefaultAsync(c => c.Id == commentId, ct);
        if (comment is null) return "There is no such comment (the customer may have removed it).";
        var share = await db.Shares.AsNoTracking().Include(s => s.Files).Include(s => s.Rounds).AsSplitQuery().FirstAsync(s => s.Id == comment.ShareId, ct);
        if (share.RevokedAt is not null || share.ExpiresAt <= clock.GetUtcNow()) return "The link is no longer live: the customer could not see an answer.";
        comment.Answer = text!.Trim();
        comment.AnsweredBy = user;
        comment.AnsweredAt = clock.GetUtcNow();
        db.ShareAudit.Add(shares.Audit(share.Id, ShareActions.Answer, user, $"to comment {commentId} (file {comment.Position}, round {comment.Round}): {Clip(comment.Answer)}"));
        await SaveAnnouncedAsync(db, share.Id, ShareActions.Answer, ct);
        var jobs = ShareRoundFiles.All(share.Files, share.Rounds).Select(r => r.JobId).Distinct().ToList();
        notifier.PublishChange(new ShareChangeEvent(share.Id, jobs, ShareActions.Answer));
        return null;
    }

    /// <summary>Saves and announces the change to the other instances in one transaction (they re-read it once committed).</summary>
    private async Task SaveAnnouncedAsync(DashboardDbContext db, long shareId, string action, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await relay.AnnounceChangeAsync(db, shareId, action, ct);
        await tx.CommitAsync(ct);
    }

    private void Publish(ShareAccess share, RoundFile file, string action) =>
        notifier.PublishChange(new ShareChangeEvent(share.Id, ShareRoundFiles.All(share.Files, share.Rounds).Select(r => r.JobId).Append(file.JobId).Distinct().ToList(), action));

    internal static string? CheckText(string? text, string what = "comment")
    {
        var clean = ShareLimits.Clean(text);
        if (clean is null) return $"Write your {what} first.";
        if (clean.Length > ShareLimits.MaxComment) return $"The {what} is too long ({clean.Length} characters; at most {ShareLimits.MaxComment}).";
        return null;
    }

    private static CommentResult Invalid(string message) => new(CommentOutcome.Invalid, message);

    private static string Describe(RoundFile file) => (file.Name ?? file.TaskId) + (file.Round > 1 ? $" (round {file.Round})" : "");

    private static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
