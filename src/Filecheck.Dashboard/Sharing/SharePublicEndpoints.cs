using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// The routes under <c>/s/{token}</c>: a gate that opens the share (or answers the one 404) and sets the privacy headers,
/// the proof images and downloads (from the shared copy of each job's runs, <see cref="SharedRuns"/>), and the approval form's post.
/// </summary>
public static class SharePublicEndpoints
{
    public const string Prefix = "/s";
    private const string ShareItem = "sharing.share";

    /// <summary>The share the gate opened for this request, or null.</summary>
    public static ShareAccess? Share(HttpContext context) => context.Items[ShareItem] as ShareAccess;

    public static void UseShareGate(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Prefix), branch => branch.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
                headers["X-Robots-Tag"] = "noindex, nofollow";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var token = segments.Length > 1 ? segments[1] : null;
            var share = await context.RequestServices.GetRequiredService<ShareLinkService>().OpenAsync(token, context.RequestAborted);
            if (share is null)
            {
                await SharePublicResponses.WriteNotFoundAsync(context);
                return;
            }
            context.Items[ShareItem] = share;
            if (segments.Length == 2 && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
            {
                // The page's runs first: with the shares' budget spent it answers 503 before rendering anything.
                var model = await context.RequestServices.GetRequiredService<SharePageService>().LoadAsync(share, context.RequestAborted);
                if (model.Busy)
                {
                    await SharePublicResponses.WriteBusyAsync(context);
                    return;
                }
            }
            await next(context);
        }));
    }

    public static void MapSharePublic(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix + "/{token}").AllowAnonymous().RequireRateLimiting(SharingSetup.RateLimitPolicy);
        group.MapGet("/files/{file:int}/proofs/{index:int}", ProofAsync);
        group.MapGet("/files/{file:int}/rounds/{round:int}/proofs/{index:int}", ProofAsync);
        group.MapGet("/files/{file:int}/download", DownloadAsync);
        group.MapPost("/decide", DecideAsync).DisableAntiforgery();
        group.MapPost("/comments", CommentAsync).DisableAntiforgery();
        group.MapPost("/files/{file:int}/corrected", CorrectedAsync).DisableAntiforgery();
        group.MapGet("/files/{file:int}/corrected", CorrectedState);
    }

    /// <summary>Whether the corrected file of a file's current round is still being checked: from the store alone, never Filecheck.</summary>
    private static IResult CorrectedState(int file, HttpContext context, IOptions<SharingOptions> options)
    {
        var share = Share(context)!;
        var view = share.Files.Any(f => f.Position == file) ? CorrectedFileView.For(share, file, options.Value.CorrectedFilesPerShare) : null;
        return view is null
            ? Results.NotFound()
            : Results.Json(new { checking = view.State == CorrectedFileState.Checking, round = view.Round });
    }

    /// <summary>Room for the corrected-file form's few fields and the multipart framing around the file.</summary>
    private const long FormOverhead = 64 * 1024;

    /// <summary>
    /// A corrected file from the public page: a plain multipart form post with its antiforgery token. What the link alone
    /// can refuse (off, spent, closed) and the announced size are refused before a byte is read.
    /// </summary>
    private static async Task CorrectedAsync(int file, HttpContext context, IAntiforgery antiforgery, CorrectedFiles corrected)
    {
        var token = TokenOf(context);
        var share = Share(context)!;
        var back = ShareUrls.Page(token) + "#file-" + file;
        const string title = "Your corrected file was not sent";
        if (corrected.RefusalBeforeReading(share, file) is { } early)
        {
            await SharePublicResponses.WriteProblemAsync(context, early.Status, title, early.Message!, back);
            return;
        }
        if (context.Request.ContentLength is not { } length)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status411LengthRequired, title,
                "The browser did not say how large the file is. Please send it again from the page.", back);
            return;
        }
        var max = corrected.MaxBytes + FormOverhead;
        if (length > max)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, title,
                $"The file is about {Shell.Format.Bytes(length)}; this page takes files up to {Shell.Format.Bytes(corrected.MaxBytes)}.", back);
            return;
        }
        if (!context.Request.HasFormContentType)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, title, "Choose the corrected file on the page, then send it.", back);
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max;
        // The file is held in a temporary file for the request (Filecheck wants its exact size before it is sent on).
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(context.Request,
            new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = max, ValueCountLimit = 16, ValueLengthLimit = 16 * 1024, KeyLengthLimit = 100 }));
        bool valid;
        IFormCollection form;
        try
        {
            valid = await antiforgery.IsRequestValidAsync(context);
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, title,
                "The form could not be read (it was cut off, or held more than it may). Please send the file again from the page.", back);
            return;
        }
        if (!valid)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, title,
                "The form had expired. Reload the page and send the file again.", back);
            return;
        }
        var upload = form.Files.GetFile("file");
        var chosen = upload is not null && (upload.Length > 0 || !string.IsNullOrEmpty(upload.FileName));
        var post = new CorrectedFilePost(file, form["round"].ToString(), form["name"].ToString(), upload?.FileName, upload?.Length ?? 0,
            chosen ? upload!.OpenReadStream : null);
        var result = await corrected.SendAsync(share, post, context.RequestAborted);
        switch (result.Outcome)
        {
            case CorrectedFileOutcome.Received:
                context.Response.Redirect(ShareUrls.Page(token) + "?sent=" + file + "#file-" + file, permanent: false);
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                return;
            case CorrectedFileOutcome.Gone:
                await SharePublicResponses.WriteNotFoundAsync(context);
                return;
            default:
                await SharePublicResponses.WriteProblemAsync(context, result.Status, title, result.Message ?? "The form was incomplete.", back);
                return;
        }
    }

    /// <param name="round">The round whose proof it is; the current one when the address names none.</param>
    private static async Task ProofAsync(
        int file, int index, HttpContext context, SharePageService pages, ShareLinkService shares, ArtifactUrlPolicy policy,
        IHttpClientFactory http, IOptions<SharingOptions> options, CappedImageCopy copy, int? round = null)
    {
        var share = Share(context)!;
        var shared = share.Files.Any(f => f.Position == file) ? share.FileOf(file, round ?? share.CurrentRound(file)) : null;
        var ct = context.RequestAborted;
        if (shared is null)
        {
            await SharePublicResponses.WriteNotFoundAsync(context);
            return;
        }
        var max = options.Value.MaxProofBytes;
        Filecheck.Api.Models.RunsResponse? failed = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var found = await pages.RunAsync(shared, failed, ct);
            if (found.Copy is null)
            {
                if (found.BudgetSpent) context.Response.Headers.RetryAfter = "60";
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            var run = found.Run;
            if (run is null || index < 1 || index > run.Proofs.Count
                || !Uri.TryCreate(run.Proofs[index - 1].Url, UriKind.Absolute, out var url) || !policy.IsAllowed(url))
            {
                await SharePublicResponses.WriteNotFoundAsync(context);
                return;
            }
            using var response = await http.CreateClient(RunsEndpoints.ProofClient).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                // An expired signature: a new copy of the job's runs once (shared with every viewer who saw this one fail).
                failed = found.Copy;
                continue;
            }
            // As the staff proxy: only PNG, JPEG or WebP whose first bytes agree, streamed under the same bytes-in-flight bound.
            var outcome = await copy.CopyAsync(response, context,
                r => r.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'", ct, max);
            if (outcome == CappedImageOutcome.Ok)
            {
                QueueImage(shares, share.Id, context);
                return;
            }
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = outcome == CappedImageOutcome.Busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;
            }
            return;
        }
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }

    private static async Task DownloadAsync(int file, HttpContext context, SharePageService pages, ShareLinkService shares, ArtifactUrlPolicy policy)
    {
        var share = Share(context)!;
        var shared = share.Files.Any(f => f.Position == file) ? share.FileOf(file, share.CurrentRound(file)) : null;
        if (shared is null || !share.AllowDownloads)
        {
            await SharePublicResponses.WriteNotFoundAsync(context);
            return;
        }
        // From the shared copy: its URLs have most of their hour left, and the browser follows this one at once.
        var found = await pages.RunAsync(shared, failed: null, context.RequestAborted);
        if (found.BudgetSpent)
        {
            await SharePublicResponses.WriteBusyAsync(context);
            return;
        }
        if (found.Copy is null)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Please try again later",
                "The download cannot be reached right now. Please try again in a few minutes.", ShareUrls.Page(TokenOf(context)));
            return;
        }
        var run = found.Run;
        if (run is null || !Uri.TryCreate(run.DownloadUrl, UriKind.Absolute, out var url) || !policy.IsAllowed(url))
        {
            await SharePublicResponses.WriteNotFoundAsync(context);
            return;
        }
        // Queued before the address goes out: a download nobody could tell was made is not sent.
        try
        {
            shares.QueueDownload(share.Id, file);
        }
        catch (Exception e)
        {
            context.RequestServices.GetRequiredService<ILogger<ShareLinkService>>().LogError(e, "A download of file {File} on share {ShareId} could not be queued for the audit", file, share.Id);
            await SharePublicResponses.WriteBusyAsync(context);
            return;
        }
        context.Response.Redirect(url.AbsoluteUri);
    }

    private static void QueueImage(ShareLinkService shares, long shareId, HttpContext context)
    {
        try
        {
            shares.QueueImage(shareId);
        }
        catch (Exception e)
        {
            // The image is already sent: the count is one short, and the log says so.
            context.RequestServices.GetRequiredService<ILogger<ShareLinkService>>().LogError(e, "An image served on share {ShareId} could not be queued for its count", shareId);
        }
    }

    private static async Task DecideAsync(HttpContext context, IAntiforgery antiforgery, ShareLinkService shares)
    {
        var token = TokenOf(context);
        // Checked here, not by form binding: a forged or stale post gets a plain page and changes nothing.
        bool valid;
        IFormCollection form;
        try
        {
            valid = await antiforgery.IsRequestValidAsync(context);
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException)
        {
            // A form that cannot be read at all (a null character, a value past the form limits): refused, never a 500.
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Your answer was not sent",
                "The form held something it cannot take, such as a null character. Remove it and give your answer again.", ShareUrls.Page(token));
            return;
        }
        if (!valid)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Your answer was not sent",
                "The form had expired. Reload the page and give your answer again.", ShareUrls.Page(token));
            return;
        }
        var position = int.TryParse(form["file"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : 0;
        var round = form.TryGetValue("round", out var r) ? r.ToString() : null;
        var result = await shares.DecideAsync(token, position, form["decision"], form["name"], form["note"], context.RequestAborted, round);
        switch (result.Outcome)
        {
            case DecisionOutcome.Recorded:
                context.Response.Redirect(ShareUrls.Page(token, answered: position), permanent: false);
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                return;
            case DecisionOutcome.AlreadyDecided:
                await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status409Conflict, "This file already has an answer",
                    "An answer for this file was already recorded; it is final for this link.", ShareUrls.Page(token) + "#file-" + position);
                return;
            case DecisionOutcome.Invalid:
                await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Your answer was not sent",
                    result.Message ?? "The form was incomplete.", ShareUrls.Page(token) + "#file-" + position);
                return;
            default:
                await SharePublicResponses.WriteNotFoundAsync(context);
                return;
        }
    }

    /// <summary>A comment added, edited or removed from the public page: a plain form post, with or without the page's script.</summary>
    private static async Task CommentAsync(HttpContext context, IAntiforgery antiforgery, ShareComments comments)
    {
        var token = TokenOf(context);
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Your comment was not sent",
                "The form had expired. Reload the page and write your comment again.", ShareUrls.Page(token));
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var position = int.TryParse(form["file"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : 0;
        var action = form["action"].ToString() switch
        {
            "edit" => CommentAction.Edit,
            "remove" => CommentAction.Remove,
            _ => CommentAction.Add,
        };
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var post = new CommentPost(action, position, Field("round"), Field("proof"), Field("x"), Field("y"), Field("text"), Field("comment"));
        var result = await comments.PostAsync(token, post, context.RequestAborted);
        var back = ShareUrls.Page(token) + "#file-" + position;
        switch (result.Outcome)
        {
            case CommentOutcome.Recorded:
                context.Response.Redirect(ShareUrls.Page(token) + "?commented=" + position + (result.Id is { } id && action != CommentAction.Remove ? $"#comment-{id}" : "#file-" + position), permanent: false);
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                return;
            case CommentOutcome.Invalid:
                await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Your comment was not sent",
                    result.Message ?? "The form was incomplete.", back);
                return;
            case CommentOutcome.Unavailable:
                await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Please try again later",
                    result.Message ?? "Your comment could not be taken right now.", back);
                return;
            default:
                await SharePublicResponses.WriteNotFoundAsync(context);
                return;
        }
    }

    private static string TokenOf(HttpContext context) => context.Request.RouteValues["token"] as string ?? "";
}

/// <summary>The public links of a share (built from the token, which only the link holds).</summary>
public static class ShareUrls
{
    public static string Page(string token, int? answered = null) =>
        SharePublicEndpoints.Prefix + "/" + Uri.EscapeDataString(token) + (answered is { } n ? $"?answered={n}#file-{n}" : "");

    public static string Proof(string token, int file, int index) => $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/files/{file}/proofs/{index}";

    public static string Proof(string token, int file, int round, int index) =>
        $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/files/{file}/rounds/{round}/proofs/{index}";

    public static string Comments(string token) => $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/comments";

    public static string Decide(string token) => $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/decide";

    public static string Corrected(string token, int file) => $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/files/{file}/corrected";

    public static string CorrectedState(string token, int file) => Corrected(token, file);

    public static string Download(string token, int file) => $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/files/{file}/download";
}
