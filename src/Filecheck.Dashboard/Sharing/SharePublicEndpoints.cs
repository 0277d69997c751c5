using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// The routes under <c>/s/{token}</c>: a gate that opens the share (or answers the one 404) and sets the privacy headers,
/// the proof images and downloads (fresh from Filecheck on every request), and the approval form's post.
/// </summary>
public static class SharePublicEndpoints
{
    public const string Prefix = "/s";
    private const string ShareItem = "sharing.share";
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/webp"];

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
    }

    /// <param name="round">The round whose proof it is; the current one when the address names none.</param>
    private static async Task ProofAsync(
        int file, int index, HttpContext context, SharePageService pages, ShareLinkService shares, ArtifactUrlPolicy policy,
        IHttpClientFactory http, IOptions<SharingOptions> options, int? round = null)
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
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (run, failure) = await pages.RunAsync(shared, fresh: attempt > 0, ct);
            if (failure is not null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            if (run is null || index < 1 || index > run.Proofs.Count
                || !Uri.TryCreate(run.Proofs[index - 1].Url, UriKind.Absolute, out var url) || !policy.IsAllowed(url))
            {
                await SharePublicResponses.WriteNotFoundAsync(context);
                return;
            }
            using var response = await http.CreateClient(RunsEndpoints.ProofClient).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                // An expired signature: ask Filecheck for fresh URLs once.
                pages.Forget(shared.JobId);
                continue;
            }
            var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
            if (type is null || !ImageTypes.Contains(type) || response.Content.Headers.ContentLength > max)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return;
            }
            context.Response.ContentType = type;
            context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
            if (response.Content.Headers.ContentLength is { } length) context.Response.ContentLength = length;
            await shares.AuditAsync(share.Id, ShareActions.Image, ShareLinkService.Recipient, $"file {file}, {(shared.Round > 1 ? $"round {shared.Round}, " : "")}proof {index}", ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await CappedCopyAsync(body, context, max, ct);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }

    /// <summary>Copies at most <paramref name="max"/> bytes, counting them itself: a missing or lying Content-Length cannot run it over.</summary>
    internal static async Task CappedCopyAsync(Stream source, HttpContext context, long max, CancellationToken ct)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > max)
                {
                    context.Abort();
                    return;
                }
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
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
        // Always fresh: the browser follows the signed URL at once.
        var (run, failure) = await pages.RunAsync(shared, fresh: true, context.RequestAborted);
        if (failure is not null)
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Please try again later",
                "The download cannot be reached right now. Please try again in a few minutes.", ShareUrls.Page(TokenOf(context)));
            return;
        }
        if (run is null || !Uri.TryCreate(run.DownloadUrl, UriKind.Absolute, out var url) || !policy.IsAllowed(url))
        {
            await SharePublicResponses.WriteNotFoundAsync(context);
            return;
        }
        await shares.AuditAsync(share.Id, ShareActions.Download, ShareLinkService.Recipient, $"file {file}", context.RequestAborted);
        context.Response.Redirect(url.AbsoluteUri);
    }

    private static async Task DecideAsync(HttpContext context, IAntiforgery antiforgery, ShareLinkService shares)
    {
        var token = TokenOf(context);
        // Checked here, not by form binding: a forged or stale post gets a plain page and changes nothing.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            await SharePublicResponses.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Your answer was not sent",
                "The form had expired. Reload the page and give your answer again.", ShareUrls.Page(token));
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
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

    public static string Download(string token, int file) => $"{SharePublicEndpoints.Prefix}/{Uri.EscapeDataString(token)}/files/{file}/download";
}
