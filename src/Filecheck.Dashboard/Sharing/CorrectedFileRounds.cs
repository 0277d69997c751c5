using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs.Checks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Makes the check of each corrected file a customer sent the next round of its link once it finishes, through
/// <see cref="ShareRounds"/> like a round customer success adds, and tells customer success. Works from the store's rows
/// (<see cref="CorrectedFileStates.Checking"/>), so a restart loses none; only the holder of the <see cref="LeaseName"/>
/// lease works on them. A running job is asked for less often as it ages (at most once a minute after ten minutes), so a
/// slow check costs Filecheck little; one still running after a day is given up.
/// </summary>
public sealed class CorrectedFileRounds(
    IServiceScopeFactory scopes, IDbContextFactory<DashboardDbContext> factory, StoreMigrator history, IFilecheckClient client, LeaseKeeper leases,
    ShareLinkService shares, ShareBusRelay relay, ShareNotifier notifier, IOptions<SharingOptions> options, IOptions<CheckOptions> checks,
    TimeProvider clock, ILogger<CorrectedFileRounds> logger) : BackgroundService
{
    public const string LeaseName = "share-corrected-files";
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(1);
    private readonly Dictionary<long, DateTimeOffset> _askedAt = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HeldLease? held;
            try
            {
                await history.EnsureReadyAsync(stoppingToken);
                held = await leases.TryHoldAsync(LeaseName, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not take the lease {Lease}", LeaseName);
                held = null;
            }
            await using var lease = held;
            if (held is null)
            {
                await Task.Delay(leases.RenewEvery, stoppingToken);
                continue;
            }
            using var whileHeld = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.Lost);
            try
            {
                while (!whileHeld.IsCancellationRequested)
                {
                    try
                    {
                        await PassAsync(whileHeld.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "A pass over the corrected files failed; the next one tries again");
                    }
                    await Task.Delay(options.Value.CorrectedFilePoll, whileHeld.Token);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Lost the lease: another instance works on them from now on.
            }
        }
    }

    /// <summary>One look at every corrected file still being checked (and any left "sending" by a process that died).</summary>
    /// <returns>How many became a round or were given up in this pass.</returns>
    public async Task<int> PassAsync(CancellationToken ct)
    {
        await history.EnsureReadyAsync(ct);
        await ReleaseAbandonedAsync(ct);
        List<ShareUploadRecord> pending;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            pending = await db.ShareUploads.AsNoTracking().Where(u => u.State == CorrectedFileStates.Checking && u.JobId != null)
                .OrderBy(u => u.Id).Take(200).ToListAsync(ct);
        }
        var done = 0;
        var now = clock.GetUtcNow();
        foreach (var upload in pending)
        {
            if (!Due(upload, now)) continue;
            _askedAt[upload.Id] = now;
            if (await TryFinishAsync(upload, now, ct)) done++;
        }
        foreach (var gone in _askedAt.Keys.Except(pending.Select(p => p.Id)).ToList()) _askedAt.Remove(gone);
        return done;
    }

    private bool Due(ShareUploadRecord upload, DateTimeOffset now)
    {
        if (!_askedAt.TryGetValue(upload.Id, out var last)) return true;
        var wait = TimeSpan.FromTicks(Math.Clamp((now - upload.At).Ticks / 10, options.Value.CorrectedFilePoll.Ticks, TimeSpan.FromMinutes(1).Ticks));
        return now - last >= wait;
    }

    private async Task<bool> TryFinishAsync(ShareUploadRecord upload, DateTimeOffset now, CancellationToken ct)
    {
        if (!JobId.TryParse(upload.JobId, out var id, out _))
        {
            await FailAsync(upload, "The check of your corrected file could not be followed.", "not a job ID: " + upload.JobId, ct);
            return true;
        }
        // A plain GET while it runs: the audited lookup (and the history's copy) come once, when the round is added.
        var job = await client.GetJobAsync(id, ct);
        if (!job.IsSuccess || !job.Value.IsTerminal)
        {
            if (now - upload.At < GiveUpAfter) return false;
            await FailAsync(upload, "The check of your corrected file did not finish. The person who sent you the link is told.", "its check did not finish within a day", ct);
            return true;
        }
        string? refusal;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var rounds = scope.ServiceProvider.GetRequiredService<ShareRounds>();
            refusal = await rounds.AddAsync(upload.ShareId, upload.Position, upload.JobId, CorrectedFiles.Customer(upload.ShareId, upload.SentBy), ct);
        }
        // Added now, or before a restart (or by another pass at the same instant): the job is a round of the file.
        var share = await shares.GetAsync(upload.ShareId, ct);
        var added = share?.Rounds.FirstOrDefault(r => r.Position == upload.Position && r.JobId == upload.JobId);
        if (added is not null)
        {
            await AddedAsync(upload, added.Round, ct);
            return true;
        }
        await FailAsync(upload, "Your corrected file was checked, but it could not be added to this page. The person who sent you the link is told.",
            "checked as " + upload.JobId + ", not added: " + refusal, ct);
        return true;
    }

    private async Task AddedAsync(ShareUploadRecord upload, int round, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.ShareUploads.Where(u => u.Id == upload.Id && u.State == CorrectedFileStates.Checking)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, CorrectedFileStates.Added).SetProperty(x => x.DoneAt, clock.GetUtcNow()), ct);
        if (changed == 0)
        {
            await tx.RollbackAsync(ct);
            return;
        }
        db.ShareAudit.Add(shares.Audit(upload.ShareId, ShareActions.UploadRound, ShareLinkService.Recipient,
            $"{upload.FileName} from {upload.SentBy} is round {round} of file {upload.Position} ({upload.JobId})"));
        await db.SaveChangesAsync(ct);
        await relay.AnnounceChangeAsync(db, upload.ShareId, ShareActions.UploadRound, ct);
        await tx.CommitAsync(ct);
        await PublishAsync(upload.ShareId, ShareActions.UploadRound, ct);
        logger.LogInformation("Corrected file {Upload} on share {ShareId} is round {Round}", upload.Id, upload.ShareId, round);
    }

    private async Task FailAsync(ShareUploadRecord upload, string problem, string why, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.ShareUploads.Where(u => u.Id == upload.Id && u.State == CorrectedFileStates.Checking)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, CorrectedFileStates.Failed).SetProperty(x => x.Problem, problem).SetProperty(x => x.DoneAt, clock.GetUtcNow()), ct);
        if (changed == 0)
        {
            await tx.RollbackAsync(ct);
            return;
        }
        db.ShareAudit.Add(shares.Audit(upload.ShareId, ShareActions.UploadFailed, ShareLinkService.Recipient, $"corrected file {upload.Id} ({upload.FileName}): {why}"));
        await db.SaveChangesAsync(ct);
        await relay.AnnounceChangeAsync(db, upload.ShareId, ShareActions.UploadFailed, ct);
        await tx.CommitAsync(ct);
        await PublishAsync(upload.ShareId, ShareActions.UploadFailed, ct);
        logger.LogWarning("Corrected file {Upload} on share {ShareId} given up: {Why}", upload.Id, upload.ShareId, why);
    }

    /// <summary>A file left "sending" longer than an upload may take: its process died on the way; the customer may send again.</summary>
    private async Task ReleaseAbandonedAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - checks.Value.UploadTimeout - TimeSpan.FromMinutes(5);
        await using var db = await factory.CreateDbContextAsync(ct);
        var sending = await db.ShareUploads.AsNoTracking().Where(u => u.State == CorrectedFileStates.Sending).ToListAsync(ct);
        foreach (var upload in sending.Where(u => u.At < before))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.ShareUploads.Where(u => u.Id == upload.Id && u.State == CorrectedFileStates.Sending).ExecuteDeleteAsync(ct) > 0)
            {
                await db.Shares.Where(s => s.Id == upload.ShareId && s.UploadCount > 0).ExecuteUpdateAsync(u => u.SetProperty(s => s.UploadCount, s => s.UploadCount - 1), ct);
                db.ShareAudit.Add(shares.Audit(upload.ShareId, ShareActions.UploadFailed, ShareLinkService.Recipient,
                    $"corrected file {upload.Id} ({upload.FileName}) never reached its check; it may be sent again"));
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
    }

    private async Task PublishAsync(long shareId, string action, CancellationToken ct)
    {
        if (await shares.GetAsync(shareId, ct) is { } share) notifier.PublishChange(new ShareChangeEvent(shareId, share.AllJobIds, action));
    }
}
