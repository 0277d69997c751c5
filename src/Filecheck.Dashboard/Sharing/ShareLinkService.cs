using System.Text.Json;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Share links: create, open by token, record views and decisions, revoke, extend, list, audit. Every change writes its
/// audit row in the same SaveChanges.
/// </summary>
public sealed class ShareLinkService(
    IDbContextFactory<DashboardDbContext> factory, StoreMigrator history, TimeProvider clock, IOptions<SharingOptions> options,
    ShareNotifier notifier, ReadAuditJournal readAudit, ShareBusRelay relay)
{
    public const string Recipient = "recipient";

    private int MaxDays => options.Value.MaxExpiryDays;

    /// <param name="createdBy">The creator's display name.</param>
    /// <param name="createdById">The creator's stable ID; the name when none is known.</param>
    public async Task<ShareCreateResult> CreateAsync(ShareRequest request, string createdBy, string? createdById = null, CancellationToken ct = default)
    {
        if (ShareLimits.CheckRequest(request, MaxDays) is { } error) return ShareCreateResult.Fail(error);
        await history.EnsureReadyAsync(ct);
        var token = ShareToken.New();
        var now = clock.GetUtcNow();
        var share = new ShareRecord
        {
            TokenHash = ShareToken.Hash(token),
            OrderId = ShareLimits.Clean(request.OrderId),
            CreatedBy = createdBy,
            CreatedById = createdById ?? createdBy,
            CreatedAt = now,
            ExpiresAt = now.AddDays(request.ExpiryDays),
            AllowDownloads = request.AllowDownloads,
            AskApproval = request.AskApproval,
            AllowUploads = request.AllowUploads,
            Note = ShareLimits.Clean(request.Note),
            RecipientName = ShareLimits.Clean(request.RecipientName),
            RecipientEmail = ShareLimits.Clean(request.RecipientEmail),
            Files = request.Files.Select((f, i) => new SharedFileRecord { Position = i + 1, JobId = f.JobId, TaskId = f.TaskId, Name = f.Name }).ToList(),
        };
        await using var db = await factory.CreateDbContextAsync(ct);
        // The share and its audit row in one transaction: never a link nobody can tell was made.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Shares.Add(share);
        await db.SaveChangesAsync(ct);
        var whom = share.RecipientName ?? share.RecipientEmail ?? "no recipient named";
        db.ShareAudit.Add(Audit(share.Id, ShareActions.Create, createdBy,
            $"{share.Files.Count} file(s) of {(share.OrderId is { } order ? "order " + order : share.Files[0].JobId)} for {whom}"
            + (share.RecipientEmail is { } email && share.RecipientName is not null ? $" <{email}>" : "")
            + $", {request.ExpiryDays} day(s), downloads {(share.AllowDownloads ? "on" : "off")}, approval {(share.AskApproval ? "asked" : "not asked")}"
            + (share.AllowUploads ? ", corrected files from the customer on" : "")));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ShareCreateResult(new CreatedShare(share.Id, token, share.ExpiresAt), null);
    }

    /// <summary>The live share behind a token, or null when it is unknown, expired or revoked (the caller cannot tell which).</summary>
    public async Task<ShareAccess?> OpenAsync(string? token, CancellationToken ct = default)
    {
        if (!ShareToken.IsWellFormed(token)) return null;
        await history.EnsureReadyAsync(ct);
        var hash = ShareToken.Hash(token!);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Two collections: one query each, not their cross product (EF's split-query warning under load).
        var share = await db.Shares.AsNoTracking().Include(s => s.Files).Include(s => s.Decisions).Include(s => s.Rounds).AsSplitQuery()
            .FirstOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (share is null || share.RevokedAt is not null || share.ExpiresAt <= clock.GetUtcNow()) return null;
        // Read only for a link that takes corrected files: every other request costs no more than before.
        var uploads = share.AllowUploads
            ? await db.ShareUploads.AsNoTracking().Where(u => u.ShareId == share.Id).OrderBy(u => u.Id).ToListAsync(ct)
            : [];
        return new ShareAccess(share.Id, share.ExpiresAt, share.AllowDownloads, share.AskApproval, share.Note,
            share.Files.OrderBy(f => f.Position).ToList(), share.Decisions.OrderBy(d => d.Position).ThenBy(d => d.Round).ToList(),
            share.Rounds.OrderBy(r => r.Position).ThenBy(r => r.Round).ToList())
        {
            AllowUploads = share.AllowUploads,
            UploadCount = share.UploadCount,
            Uploads = uploads,
        };
    }

    /// <summary>
    /// Counts a view of the link's page: queued in the read audit before the page goes out, then added to the link's
    /// counter and last view in batches; only the first view becomes an audit row (when it is folded), so anonymous traffic
    /// cannot grow the audit and a view never waits for the store. Throws when it cannot be queued.
    /// </summary>
    public void QueueView(long shareId) => readAudit.Append(ShareViewFold.KindName, new ShareViewLine(shareId, clock.GetUtcNow()));

    /// <summary>
    /// Counts a proof image served on the link: a counter, never a row per image, queued in the read audit and added to
    /// the link's count in batches. Throws when it cannot be queued.
    /// </summary>
    public void QueueImage(long shareId) => readAudit.Append(ShareImageFold.KindName, new ShareImageLine(shareId));

    /// <summary>A download from the link, queued in the read audit: an audit row once folded. Throws when it cannot be queued.</summary>
    public void QueueDownload(long shareId, int file) =>
        readAudit.Append(ShareReadFold.KindName, new ShareReadLine(shareId, ShareActions.Download, Recipient, $"file {file}", clock.GetUtcNow()));

    /// <summary>Removes share audit rows older than <paramref name="before"/> (History:Retention:AuditAge), a batch at a time.</summary>
    public async Task<int> PruneAuditAsync(DateTimeOffset before, int batchSize, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = await db.ShareAudit.Where(a => a.At < before).OrderBy(a => a.At).Select(a => a.Id).Take(batchSize).ToListAsync(ct);
        return ids.Count == 0 ? 0 : await db.ShareAudit.Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync(ct);
    }

    public async Task AuditAsync(long shareId, string action, string actor, string? detail, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ShareAudit.Add(Audit(shareId, action, actor, detail));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Records the customer's answer for the current round of one file: once, while the link lives, with a name (and a
    /// note for changes). <paramref name="round"/> is the round the form showed (null: the current one); an earlier
    /// round is closed.
    /// </summary>
    public async Task<DecisionResult> DecideAsync(string? token, int position, string? decision, string? name, string? note, CancellationToken ct = default,
        string? round = null)
    {
        var share = await OpenAsync(token, ct);
        if (share is null) return new(DecisionOutcome.Gone);
        if (!share.AskApproval) return new(DecisionOutcome.Invalid, "This link does not ask for an approval.");
        if (share.Files.All(f => f.Position != position)) return new(DecisionOutcome.Invalid, "There is no such file on this page.");
        var current = share.CurrentRound(position);
        if (round is not null && !IsRound(round, current)) return new(DecisionOutcome.Invalid, RoundClosed(current));
        var file = share.FileOf(position, current)!;
        if (decision is not (ShareDecisions.Approved or ShareDecisions.ChangesRequested)) return new(DecisionOutcome.Invalid, "Choose Approve or Request changes.");
        name = ShareLimits.Clean(name);
        note = ShareLimits.Clean(note);
        if (name is null) return new(DecisionOutcome.Invalid, "Type your name to confirm.");
        if (name.Length > ShareLimits.MaxName) return new(DecisionOutcome.Invalid, $"Your name is too long (at most {ShareLimits.MaxName} characters).");
        if (decision == ShareDecisions.ChangesRequested && note is null) return new(DecisionOutcome.Invalid, "Say what should change.");
        if (note?.Length > ShareLimits.MaxDecisionNote) return new(DecisionOutcome.Invalid, $"The note is too long (at most {ShareLimits.MaxDecisionNote} characters).");
        if (share.DecisionOf(position, current) is not null) return new(DecisionOutcome.AlreadyDecided, "This file already has an answer.");

        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ShareDecisions.Add(new ShareDecisionRecord { ShareId = share.Id, Position = position, Round = current, Decision = decision, Name = name, Note = note, At = now });
        // Kept with the decision, not in a process: whichever instance sends the webhook's posts sends this one, even after a crash.
        if (!string.IsNullOrWhiteSpace(options.Value.Notify.WebhookUrl))
            db.ShareWebhookOutbox.Add(new ShareWebhookDelivery { ShareId = share.Id, Position = position, Round = current, NextAttemptAt = now.ToUnixTimeMilliseconds() });
        db.ShareAudit.Add(Audit(share.Id, ShareActions.Decision, Recipient,
            $"{(decision == ShareDecisions.Approved ? "approved" : "changes requested")} for {file.Name ?? file.TaskId}"
            + (current > 1 || share.Rounds.Count > 0 ? $" (round {current})" : "") + $" by {name}"));
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            // The other instances hear of it once it is committed, and never if it is not.
            await relay.AnnounceDecisionAsync(db, share.Id, position, current, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two posts raced: the key (share, file) let the first one in; this one changes nothing.
            return new(DecisionOutcome.AlreadyDecided, "This file already has an answer.");
        }
        var owner = await db.Shares.AsNoTracking().Where(s => s.Id == share.Id).Select(s => new { s.CreatedBy, s.RecipientName }).FirstAsync(ct);
        notifier.Publish(new ShareDecisionEvent(share.Id, file.JobId, file.TaskId, file.Name, decision, name, note, now, owner.CreatedBy, owner.RecipientName)
        {
            Round = current,
            AllJobIds = ShareRoundFiles.All(share.Files, share.Rounds).Select(f => f.JobId).Distinct().ToList(),
        });
        return new(DecisionOutcome.Recorded);
    }

    /// <summary>A round number as the form posts it, equal to the current one.</summary>
    internal static bool IsRound(string? text, int current) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n == current;

    internal static string RoundClosed(int current) =>
        $"That round is closed: a newer version of this file is on the page (round {current}). Reload the page and answer for it.";

    public async Task<string?> RevokeAsync(long shareId, string user, CancellationToken ct = default)
    {
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var share = await db.Shares.FirstOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null) return "There is no such share.";
        if (share.RevokedAt is not null) return "This link is already revoked.";
        share.RevokedAt = clock.GetUtcNow();
        share.RevokedBy = user;
        db.ShareAudit.Add(Audit(shareId, ShareActions.Revoke, user, null));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Moves the expiry to <paramref name="days"/> from now, within the maximum; a revoked link stays revoked.</summary>
    public async Task<string?> ExtendAsync(long shareId, int days, string user, CancellationToken ct = default)
    {
        if (days < 1 || days > MaxDays) return $"A link can live at most {MaxDays} days from now.";
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var share = await db.Shares.FirstOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null) return "There is no such share.";
        if (share.RevokedAt is not null) return "A revoked link cannot be extended: share again instead.";
        var before = share.ExpiresAt;
        share.ExpiresAt = clock.GetUtcNow().AddDays(days);
        db.ShareAudit.Add(Audit(shareId, ShareActions.Extend, user, $"expiry {before.UtcDateTime:yyyy-MM-dd HH:mm} → {share.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC"));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Newest first; only those the user with the stable ID <paramref name="createdById"/> made when given.</summary>
    public async Task<IReadOnlyList<ShareSummary>> ListAsync(string? createdById = null, string? jobId = null, int limit = 200, CancellationToken ct = default)
    {
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Shares.AsNoTracking().Include(s => s.Files).Include(s => s.Decisions).Include(s => s.Rounds).AsSplitQuery();
        if (createdById is not null) query = query.Where(s => s.CreatedById == createdById);
        if (jobId is not null) query = query.Where(s => s.Files.Any(f => f.JobId == jobId) || s.Rounds.Any(r => r.JobId == jobId));
        var rows = await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(limit).ToListAsync(ct);
        var ids = rows.Select(s => s.Id).ToList();
        var comments = (await db.ShareComments.AsNoTracking().Where(c => ids.Contains(c.ShareId)).ToListAsync(ct))
            .OrderBy(c => c.Position).ThenBy(c => c.Round).ThenBy(c => c.Id).ToLookup(c => c.ShareId);
        var now = clock.GetUtcNow();
        return rows.Select(s => Summarize(s, now) with { Comments = comments[s.Id].ToList() }).ToList();
    }

    /// <summary>One share as the lists see it, or null.</summary>
    public async Task<ShareSummary?> GetAsync(long shareId, CancellationToken ct = default)
    {
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var share = await db.Shares.AsNoTracking().Include(s => s.Files).Include(s => s.Decisions).Include(s => s.Rounds).AsSplitQuery()
            .FirstOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null) return null;
        var comments = await db.ShareComments.AsNoTracking().Where(c => c.ShareId == shareId).OrderBy(c => c.Id).ToListAsync(ct);
        return Summarize(share, clock.GetUtcNow()) with { Comments = comments };
    }

    public async Task<IReadOnlyList<ShareAuditRecord>> AuditTrailAsync(long shareId, int limit = 500, CancellationToken ct = default)
    {
        await history.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ShareAudit.AsNoTracking().Where(a => a.ShareId == shareId)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>From the answers to each file's current round: an earlier round's "changes" is answered by the next round.</summary>
    public static ShareState StateOf(ShareRecord s, DateTimeOffset now)
    {
        if (s.RevokedAt is not null) return ShareState.Revoked;
        var current = s.Files.Select(f => s.Decisions.FirstOrDefault(d => d.Position == f.Position && d.Round == ShareRoundFiles.CurrentRound(s.Rounds, f.Position))).ToList();
        if (current.Any(d => d?.Decision == ShareDecisions.ChangesRequested)) return ShareState.ChangesRequested;
        if (s.AskApproval && s.Files.Count > 0 && current.All(d => d?.Decision == ShareDecisions.Approved))
            return ShareState.Approved;
        if (s.ExpiresAt <= now) return ShareState.Expired;
        return s.AskApproval ? ShareState.Awaiting : ShareState.Open;
    }

    private static ShareSummary Summarize(ShareRecord s, DateTimeOffset now) => new(
        s.Id, s.OrderId, s.CreatedBy, s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.RevokedBy, s.AllowDownloads, s.AskApproval, s.Note,
        s.RecipientName, s.RecipientEmail, s.ViewCount, s.LastViewedAt, s.ImageCount,
        s.Files.OrderBy(f => f.Position).ToList(), s.Decisions.OrderBy(d => d.Position).ThenBy(d => d.Round).ToList(), StateOf(s, now))
    {
        Rounds = s.Rounds.OrderBy(r => r.Position).ThenBy(r => r.Round).ToList(),
        AllowUploads = s.AllowUploads,
        UploadCount = s.UploadCount,
    };

    internal ShareAuditRecord Audit(long shareId, string action, string actor, string? detail) =>
        new() { ShareId = shareId, At = clock.GetUtcNow(), Action = action, Actor = actor, Detail = detail };
}

/// <summary>The share audit, pruned with the rest of the audit by the history's retention pass.</summary>
internal sealed class ShareAuditTable(ShareLinkService shares) : Data.IAuditTable
{
    public Task<int> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken ct) => shares.PruneAuditAsync(before, batchSize, ct);
}

/// <summary>A proof image served on a link, as it waits in the read audit.</summary>
public sealed record ShareImageLine(long ShareId);

/// <summary>A read on a link that keeps its audit row (a download), as it waits in the read audit.</summary>
public sealed record ShareReadLine(long ShareId, string Action, string Actor, string? Detail, DateTimeOffset At);

/// <summary>A view of a link's page, as it waits in the read audit.</summary>
public sealed record ShareViewLine(long ShareId, DateTimeOffset At);

/// <summary>
/// Views of links' pages: each link's counter and last view once a batch, and its first view's audit row (at the time of
/// that view) in the same transaction.
/// </summary>
internal sealed class ShareViewFold : IReadAuditFold
{
    public const string KindName = "share-view";

    public string Kind => KindName;

    public async Task FoldAsync(DashboardDbContext db, IReadOnlyList<JsonElement> lines, CancellationToken ct)
    {
        foreach (var link in lines.Select(l => l.Deserialize<ShareViewLine>()!).GroupBy(l => l.ShareId))
        {
            var count = link.Count();
            var first = link.Min(l => l.At);
            var last = link.Max(l => l.At);
            var firstSet = await db.Shares.Where(s => s.Id == link.Key && s.FirstViewedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.FirstViewedAt, first), ct);
            await db.Shares.Where(s => s.Id == link.Key).ExecuteUpdateAsync(u => u.SetProperty(s => s.ViewCount, s => s.ViewCount + count), ct);
            // Batches from two processes (or a file left by a killed one) may fold out of order: the last view only moves on.
            await db.Shares.Where(s => s.Id == link.Key && (s.LastViewedAt == null || s.LastViewedAt < last))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastViewedAt, last), ct);
            if (firstSet > 0)
            {
                db.ShareAudit.Add(new ShareAuditRecord { ShareId = link.Key, At = first, Action = ShareActions.View, Actor = ShareLinkService.Recipient, Detail = "first view" });
            }
        }
    }
}

/// <summary>Images served on links: one counter update a link a batch.</summary>
internal sealed class ShareImageFold : IReadAuditFold
{
    public const string KindName = "share-image";

    public string Kind => KindName;

    public async Task FoldAsync(DashboardDbContext db, IReadOnlyList<JsonElement> lines, CancellationToken ct)
    {
        foreach (var link in lines.Select(l => l.Deserialize<ShareImageLine>()!).GroupBy(l => l.ShareId))
        {
            var count = link.Count();
            await db.Shares.Where(s => s.Id == link.Key).ExecuteUpdateAsync(u => u.SetProperty(s => s.ImageCount, s => s.ImageCount + count), ct);
        }
    }
}

/// <summary>Downloads from links: audit rows.</summary>
internal sealed class ShareReadFold : IReadAuditFold
{
    public const string KindName = "share-read";

    public string Kind => KindName;

    public Task FoldAsync(DashboardDbContext db, IReadOnlyList<JsonElement> lines, CancellationToken ct)
    {
        foreach (var read in lines.Select(l => l.Deserialize<ShareReadLine>()!))
        {
            db.ShareAudit.Add(new ShareAuditRecord { ShareId = read.ShareId, At = read.At, Action = read.Action, Actor = read.Actor, Detail = read.Detail });
        }
        return Task.CompletedTask;
    }
}
