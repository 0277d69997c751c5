using System.Security.Claims;
using Filecheck.Api;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Adds a corrected job to a live link as the next round of one of its files: the link and its expiry stay; what changed
/// since the round before is worked out once from both checks' findings (through the Shell's <see cref="IJobReports"/>)
/// and stored with the round; the round and its audit row are written in one SaveChanges, announced on the bus in its transaction.
/// </summary>
public sealed class ShareRounds(
    IDbContextFactory<DashboardDbContext> factory, StoreMigrator history, TimeProvider clock, ShareLinkService shares, ShareNotifier notifier,
    IJobReports reports, ShareBusRelay relay)
{
    /// <returns>Null when the round was added, else why not (nothing was written).</returns>
    public async Task<string?> AddAsync(long shareId, int position, string? jobIdText, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!JobId.TryParse(jobIdText?.Trim(), out var jobId, out var idProblem)) return idProblem ?? "Enter the corrected job's ID.";
        await history.EnsureReadyAsync(ct);
        var share = await shares.GetAsync(shareId, ct);
        if (share is null) return "There is no such share.";
        if (!share.IsLive(clock.GetUtcNow())) return "A revoked or expired link cannot get a new round: share the corrected job on a new link instead.";
        var first = share.Files.FirstOrDefault(f => f.Position == position);
        if (first is null) return "There is no such file on this link.";
        var current = share.CurrentRound(position);
        var previous = share.FileOf(position, current)!;
        if (share.Decisions.Any(d => d.Position == position && d.Round == current && d.Decision == ShareDecisions.Approved))
            return $"The customer approved round {current} of this file: it is closed.";
        if (ShareRoundFiles.All(share.Files, share.Rounds).FirstOrDefault(r => r.Position == position && r.JobId == jobId.Value) is { } already)
            return $"This job is already round {already.Round} of this file.";

        var corrected = await reports.GetAsync(jobId.Value, user, ct);
        if (corrected.Report is not { } after) return corrected.Problem ?? "The corrected job could not be read.";
        if (!after.IsFinished) return "The corrected job is still running: add it once it has finished, so the customer sees its result.";
        var name = previous.Name ?? first.Name;
        var file = after.Files.FirstOrDefault(f => name is not null && string.Equals(f.FileName, name, StringComparison.OrdinalIgnoreCase))
            ?? (after.Files.Count == 1 ? after.Files[0] : null);
        if (file is null) return $"The job {jobId.Value} has no file named {name ?? previous.TaskId} (and more than one file): choose the job that holds the corrected file.";

        var earlier = await reports.GetAsync(previous.JobId, user, ct);
        var before = earlier.Report?.Files.FirstOrDefault(f => f.TaskId == previous.TaskId);
        if (before is null) return earlier.Problem is { } p ? $"Round {current}'s job could not be read to compare: {p}" : $"Round {current}'s file is no longer in its job.";
        var changes = RoundChanges.Between(before, file, current, current + 1);

        var who = UserKey.NameOf(user);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ShareRounds.Add(new ShareRoundRecord
        {
            ShareId = shareId, Position = position, Round = current + 1, JobId = jobId.Value, TaskId = file.TaskId, Name = file.FileName,
            AddedAt = clock.GetUtcNow(), AddedBy = who, Changes = changes.ToJson(),
        });
        db.ShareAudit.Add(shares.Audit(shareId, ShareActions.Round, who,
            $"round {current + 1} of {name ?? previous.TaskId}: {jobId.Value} ({file.FileName}); {string.Join(" ", changes.Lines())}"));
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            // Pages on the other instances hear of the round once it is committed, and re-read it from the store.
            await relay.AnnounceChangeAsync(db, shareId, ShareActions.Round, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two people added the next round at once: the key (share, file, round) let one in.
            return $"Round {current + 1} of this file was just added by someone else. Reload to see it.";
        }
        notifier.PublishChange(new ShareChangeEvent(shareId, share.AllJobIds.Append(jobId.Value).Distinct().ToList(), ShareActions.Round));
        return null;
    }
}
