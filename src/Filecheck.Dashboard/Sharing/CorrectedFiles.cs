using System.Globalization;
using System.Security.Claims;
using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Shell;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

public enum CorrectedFileOutcome { Received, Gone, Off, Invalid, OutOfDate, Spent, Closed, TooLarge, WrongType, Unavailable }

/// <summary>What became of a corrected file the customer sent: received, or why not (nothing changed then).</summary>
public sealed record CorrectedFileResult(CorrectedFileOutcome Outcome, string? Message = null)
{
    public int Status => Outcome switch
    {
        CorrectedFileOutcome.Received => StatusCodes.Status303SeeOther,
        CorrectedFileOutcome.Gone => StatusCodes.Status404NotFound,
        CorrectedFileOutcome.Off => StatusCodes.Status403Forbidden,
        CorrectedFileOutcome.OutOfDate or CorrectedFileOutcome.Spent or CorrectedFileOutcome.Closed => StatusCodes.Status409Conflict,
        CorrectedFileOutcome.TooLarge => StatusCodes.Status413PayloadTooLarge,
        CorrectedFileOutcome.WrongType => StatusCodes.Status415UnsupportedMediaType,
        CorrectedFileOutcome.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };
}

/// <summary>The corrected-file form as posted: every field still text, the file a stream the service opens (twice at most).</summary>
public sealed record CorrectedFilePost(int Position, string? Round, string? Name, string? FileName, long Length, Func<Stream>? Open);

/// <summary>The files a customer may send: told apart by their first bytes, never by the name or the browser's word.</summary>
public static class CorrectedFileTypes
{
    public const string Accept = ".pdf,.ai,.ps,.eps,.tif,.tiff,.jpg,.jpeg,.png";
    public const string Described = "PDF, PostScript or EPS, TIFF, JPEG or PNG";

    /// <summary>The media type of a file that starts with <paramref name="head"/>, or null for anything else.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head) => head switch
    {
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => "application/pdf",
        [(byte)'%', (byte)'!', (byte)'P', (byte)'S', ..] => "application/postscript",
        // A DOS EPS: a binary header in front of the PostScript.
        [0xC5, 0xD0, 0xD3, 0xC6, ..] => "application/postscript",
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'I', (byte)'I', 0x2A, 0x00, ..] or [(byte)'M', (byte)'M', 0x00, 0x2A, ..] => "image/tiff",
        _ => null,
    };
}

/// <summary>
/// A corrected file sent by the customer from the public page, where the link allows it: one per file per round, within
/// <c>Checks:MaxUploadBytes</c> and the link's budget (<c>Sharing:CorrectedFilesPerShare</c>). It is passed on to Filecheck
/// and checked once (never retried) through the dashboard's own <see cref="CheckService"/>, with the original file's steps
/// and profile, audited there like every check and here in the link's audit. <see cref="CorrectedFileRounds"/> makes the
/// new job the next round when it finishes. Its place (the row, the budget) is taken in the store before Filecheck is
/// asked, so two posts at once cannot both pass; it is given back when Filecheck surely made no job.
/// </summary>
public sealed class CorrectedFiles(
    IDbContextFactory<DashboardDbContext> factory, CheckService checks, CheckQuota quota, IFilecheckClient client, ShareLinkService shares,
    ShareBusRelay relay, ShareNotifier notifier, IOptions<SharingOptions> sharing, IOptions<CheckOptions> limits, TimeProvider clock,
    ILogger<CorrectedFiles> logger)
{
    public const int MaxFileName = 255;

    public int Budget => sharing.Value.CorrectedFilesPerShare;

    public long MaxBytes => limits.Value.MaxUploadBytes;

    /// <summary>The customer as the check's audit and budgets see them: the link, and the name they typed.</summary>
    public static ClaimsPrincipal Customer(long shareId, string name) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "share:" + shareId.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, $"{name} (customer, share link {shareId})")],
        authenticationType: "share-link"));

    /// <summary>What can be refused from the link alone, before a byte of the file is read; null when a file may come.</summary>
    public CorrectedFileResult? RefusalBeforeReading(ShareAccess share, int position)
    {
        if (!share.AllowUploads) return new(CorrectedFileOutcome.Off, "This link does not take files. Please reply to the person who sent you the link instead.");
        if (share.Files.All(f => f.Position != position)) return new(CorrectedFileOutcome.Invalid, "There is no such file on this page.");
        var round = share.CurrentRound(position);
        if (share.DecisionOf(position, round)?.Decision == ShareDecisions.Approved)
            return new(CorrectedFileOutcome.Closed, $"You approved round {round} of this file, so it is closed and takes no corrected file.");
        if (share.UploadFor(position, round) is { } sent)
            return new(CorrectedFileOutcome.Spent, $"A corrected file ({sent.FileName}) was already sent for round {round} of this file: one file a round. It appears here as round {round + 1} once it is checked.");
        if (share.UploadCount >= Budget)
            return new(CorrectedFileOutcome.Spent, $"This link has taken all the corrected files it may ({Budget}). Please reply to the person who sent you the link.");
        return null;
    }

    public async Task<CorrectedFileResult> SendAsync(ShareAccess share, CorrectedFilePost post, CancellationToken ct = default)
    {
        if (RefusalBeforeReading(share, post.Position) is { } refused) return refused;
        var round = share.CurrentRound(post.Position);
        if (!int.TryParse(post.Round, NumberStyles.None, CultureInfo.InvariantCulture, out var shown) || shown != round)
            return new(CorrectedFileOutcome.OutOfDate, $"The page was out of date: round {round} is the current one. Reload the page and send the file again.");
        var name = ShareLimits.Clean(post.Name);
        if (name is null) return Invalid("Type your name to confirm.");
        if (name.Length > ShareLimits.MaxName) return Invalid($"Your name is too long (at most {ShareLimits.MaxName} characters).");
        if (post.Open is null) return Invalid("Choose the corrected file to send.");
        if (post.Length <= 0) return Invalid("The file is empty.");
        if (post.Length > MaxBytes)
            return new(CorrectedFileOutcome.TooLarge, $"The file is {Format.Bytes(post.Length)}; this page takes files up to {Format.Bytes(MaxBytes)}.");
        var fileName = CleanName(post.FileName) ?? "corrected-file";
        string? type;
        await using (var head = post.Open())
        {
            var bytes = new byte[8];
            var read = await head.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct);
            type = CorrectedFileTypes.Sniff(bytes.AsSpan(0, read));
        }
        if (type is null)
            return new(CorrectedFileOutcome.WrongType, $"“{fileName}” is not a file that can be checked here: please send a {CorrectedFileTypes.Described} file.");

        var origin = share.FileOf(post.Position, round)!;
        var reserved = await ReserveAsync(share.Id, post.Position, round, name, fileName, post.Length, ct);
        if (reserved.Refusal is { } no) return no;
        var uploadId = reserved.Id;
        var customer = Customer(share.Id, name);
        string? made = null;
        try
        {
            // The same check as the original file's: its steps, profile, order, customer and rule.
            var start = await checks.StartFromAsync(origin.JobId, origin.TaskId, customer, sameSteps: true, ct);
            if (start.Form.OriginalTaskId is null)
            {
                await ReleaseAsync(share.Id, uploadId, "the original file could not be read: " + (start.Problem ?? "unknown"), ct);
                return Unavailable();
            }
            var key = Jobs.Checks.UserKey.Of(customer);
            var begun = await quota.TryBeginUploadAsync(key, ct);
            await using var slot = begun.Slot;
            if (slot is null)
            {
                await ReleaseAsync(share.Id, uploadId, "the link's uploads in flight or hourly checks are spent", ct);
                return Unavailable("Several files are on their way from this link right now. Please try again in a few minutes.");
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(limits.Value.UploadTimeout);
            var target = await client.CreateUploadAsync(post.Length, type, timeout.Token);
            FilecheckResult<string> uploaded;
            if (!target.IsSuccess) uploaded = FilecheckResult<string>.Fail(target.Failure);
            else
            {
                await using var body = post.Open();
                uploaded = await client.UploadAsync(target.Value, body, post.Length, fileName, type, timeout.Token);
            }
            if (!uploaded.IsSuccess)
            {
                await ReleaseAsync(share.Id, uploadId, "Filecheck did not take the file: " + uploaded.Failure.Kind, ct);
                return uploaded.Failure.Kind == FilecheckFailureKind.TooLarge
                    ? new(CorrectedFileOutcome.TooLarge, "The file is larger than the checking service takes.")
                    : Unavailable();
            }
            await quota.PaidAsync(key, uploaded.Value, CancellationToken.None);

            var form = start.Form;
            form.Source = CheckSource.Upload;
            form.FileRef = null;
            form.Url = null;
            form.FileName = fileName;
            form.Note = $"Corrected file sent by the customer on share link {share.Id} (file {post.Position}, round {round} → {round + 1})";
            form.Confirmed = true;
            // Submitted once, never retried: a repeat would run (and bill) a second job.
            var submitted = await checks.SubmitAsync(form, uploaded.Value, customer, CancellationToken.None);
            if (submitted.Job is not { } job)
            {
                // Filecheck's plain refusal made no job: the customer may send again. Anything else may have: kept, and told.
                if (submitted.Failure is FilecheckFailureKind.InvalidRequest or FilecheckFailureKind.KeyRejected or FilecheckFailureKind.RateLimited
                    or FilecheckFailureKind.TooLarge or FilecheckFailureKind.NotFound || submitted.Failure is null)
                {
                    await ReleaseAsync(share.Id, uploadId, "the check was refused: " + submitted.Problem, CancellationToken.None);
                    return Unavailable();
                }
                await FailAsync(share.Id, uploadId, "Your file was received, but its check could not be confirmed. The person who sent you the link is told.",
                    "the check's start could not be confirmed: " + submitted.Problem, CancellationToken.None);
                return Unavailable("Your file was received, but its check could not be confirmed. The person who sent you the link is told.");
            }
            made = job.Id;
            await CheckingAsync(share.Id, uploadId, job.Id, fileName, round, CancellationToken.None);
            logger.LogInformation("Corrected file {Upload} on share {ShareId} is checked as {JobId}", uploadId, share.Id, job.Id);
            return new(CorrectedFileOutcome.Received);
        }
        catch (Exception e)
        {
            // Never left "sending": a customer who closed the page (or a failure here) may send again, unless a job was made.
            if (made is null) await ReleaseAsync(share.Id, uploadId, "it stopped before its check started: " + e.GetType().Name, CancellationToken.None);
            else logger.LogError(e, "Corrected file {Upload} on share {ShareId} is checked as {JobId}, but could not be marked so", uploadId, share.Id, made);
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
            logger.LogError(e, "A corrected file on share {ShareId} failed before its check started", share.Id);
            return Unavailable();
        }
    }

    private sealed record Reservation(long Id, CorrectedFileResult? Refusal);

    /// <summary>The file's place and one from the link's budget, with the audit row, in one transaction; or why not.</summary>
    private async Task<Reservation> ReserveAsync(long shareId, int position, int round, string name, string fileName, long bytes, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var budget = Budget;
        var taken = await db.Shares.Where(s => s.Id == shareId && s.AllowUploads && s.RevokedAt == null && s.UploadCount < budget)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.UploadCount, s => s.UploadCount + 1), ct);
        if (taken == 0)
        {
            await tx.RollbackAsync(ct);
            return new(0, new(CorrectedFileOutcome.Spent, $"This link has taken all the corrected files it may ({budget}). Please reply to the person who sent you the link."));
        }
        var row = new ShareUploadRecord
        {
            ShareId = shareId, Position = position, Round = round, At = clock.GetUtcNow(), SentBy = name, FileName = fileName, Bytes = bytes,
            State = CorrectedFileStates.Sending,
        };
        db.ShareUploads.Add(row);
        db.ShareAudit.Add(shares.Audit(shareId, ShareActions.Upload, ShareLinkService.Recipient,
            $"{name} sent {fileName} ({Format.Bytes(bytes)}) as the corrected file {position} of round {round}"));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same file and round at the same instant: the key let the other one in.
            await tx.RollbackAsync(CancellationToken.None);
            return new(0, new(CorrectedFileOutcome.Spent, $"A corrected file was already sent for round {round} of this file: one file a round."));
        }
        await tx.CommitAsync(ct);
        return new(row.Id, null);
    }

    /// <summary>Filecheck surely made no job: the place and the budget are given back, so the customer may send again.</summary>
    private async Task ReleaseAsync(long shareId, long uploadId, string why, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var gone = await db.ShareUploads.Where(u => u.Id == uploadId && u.State == CorrectedFileStates.Sending).ExecuteDeleteAsync(ct);
        if (gone > 0) await db.Shares.Where(s => s.Id == shareId && s.UploadCount > 0).ExecuteUpdateAsync(u => u.SetProperty(s => s.UploadCount, s => s.UploadCount - 1), ct);
        db.ShareAudit.Add(shares.Audit(shareId, ShareActions.UploadFailed, ShareLinkService.Recipient, $"corrected file {uploadId} not checked ({why}); it may be sent again"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogWarning("Corrected file {Upload} on share {ShareId} given back: {Why}", uploadId, shareId, why);
    }

    private async Task FailAsync(long shareId, long uploadId, string problem, string why, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.ShareUploads.Where(u => u.Id == uploadId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.State, CorrectedFileStates.Failed).SetProperty(x => x.Problem, problem).SetProperty(x => x.DoneAt, clock.GetUtcNow()), ct);
        db.ShareAudit.Add(shares.Audit(shareId, ShareActions.UploadFailed, ShareLinkService.Recipient, $"corrected file {uploadId}: {why}"));
        await db.SaveChangesAsync(ct);
        await relay.AnnounceChangeAsync(db, shareId, ShareActions.UploadFailed, ct);
        await tx.CommitAsync(ct);
        await PublishAsync(shareId, ShareActions.UploadFailed, ct);
    }

    private async Task CheckingAsync(long shareId, long uploadId, string jobId, string fileName, int round, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.ShareUploads.Where(u => u.Id == uploadId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.State, CorrectedFileStates.Checking).SetProperty(x => x.JobId, jobId), ct);
        db.ShareAudit.Add(shares.Audit(shareId, ShareActions.Upload, ShareLinkService.Recipient,
            $"{fileName} is checked as {jobId}; it becomes round {round + 1} when the check is done"));
        await db.SaveChangesAsync(ct);
        await relay.AnnounceChangeAsync(db, shareId, ShareActions.Upload, ct);
        await tx.CommitAsync(ct);
        await PublishAsync(shareId, ShareActions.Upload, ct);
    }

    private async Task PublishAsync(long shareId, string action, CancellationToken ct)
    {
        if (await shares.GetAsync(shareId, ct) is { } share) notifier.PublishChange(new ShareChangeEvent(shareId, share.AllJobIds, action));
    }

    private static CorrectedFileResult Invalid(string message) => new(CorrectedFileOutcome.Invalid, message);

    private static CorrectedFileResult Unavailable(string? message = null) =>
        new(CorrectedFileOutcome.Unavailable, message ?? "Your file could not be passed on for checking right now. Nothing was kept: please try again in a few minutes.");

    /// <summary>The file's own name, without a path or control characters, at most <see cref="MaxFileName"/> characters.</summary>
    internal static string? CleanName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var last = name.Replace('\\', '/').Split('/').Last();
        var clean = new string(last.Where(c => !char.IsControl(c) && c != '"' && !char.IsSurrogate(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > MaxFileName ? clean[..MaxFileName] : clean;
    }
}
