using Filecheck.Api;
using Filecheck.Dashboard.Access;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>
/// <c>POST /checks/uploads</c>: the browser sends the file here as a plain request body (not through the circuit);
/// the dashboard asks Filecheck for upload credentials only now, and streams the body on to the presigned target
/// without holding it. The size is checked from <c>Content-Length</c> before a byte is read.
/// </summary>
public static class CheckUploadEndpoint
{
    public const string Path = "/checks/uploads";

    public sealed record UploadAnswer(string? FileRef, string? Message, bool Expired = false);

    internal static async Task<IResult> HandleAsync(
        HttpContext context, IFilecheckClient client, IAntiforgery antiforgery, IOptions<CheckOptions> options, CheckQuota quota,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CheckUploadEndpoint));
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Json(new UploadAnswer(null, "This upload did not come from the dashboard's page. Reload the page and try again."), statusCode: 400);
        }

        var max = options.Value.MaxUploadBytes;
        if (context.Request.ContentLength is not { } length)
            return Results.Json(new UploadAnswer(null, "The upload did not say how large the file is."), statusCode: StatusCodes.Status411LengthRequired);
        if (length == 0) return Results.Json(new UploadAnswer(null, "The file is empty."), statusCode: 400);
        if (length > max)
            return Results.Json(new UploadAnswer(null, $"The file is {Format.Bytes(length)}; Filecheck takes files up to {Format.Bytes(max)}."), statusCode: 413);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max;

        // Each upload asks Filecheck for credentials: it counts in the person's hourly checks, and only a few run at once.
        var user = UserKey.Of(context.User);
        var start = await quota.TryBeginUploadAsync(user, context.RequestAborted);
        await using var slot = start.Slot;
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(start.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new UploadAnswer(null, start.Refusal), statusCode: StatusCodes.Status429TooManyRequests);
        }

        var name = Clean(context.Request.Query["name"], 255) ?? "upload";
        var type = Clean(context.Request.ContentType, 100) ?? "application/octet-stream";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.Value.UploadTimeout);

        // Asked for only now, when the person has pressed Submit and the bytes are on their way.
        var target = await client.CreateUploadAsync(length, type, timeout.Token);
        if (!target.IsSuccess) return Failed(target.Failure, logger);
        var uploaded = await client.UploadAsync(target.Value, context.Request.Body, length, name, type, timeout.Token);
        if (!uploaded.IsSuccess) return Failed(uploaded.Failure, logger);
        await quota.PaidAsync(user, uploaded.Value, CancellationToken.None);
        logger.LogInformation("Upload of {Bytes} bytes passed on to Filecheck as {FileRef}", length, uploaded.Value);
        return Results.Json(new UploadAnswer(uploaded.Value, null));
    }

    private static IResult Failed(FilecheckFailure failure, ILogger logger)
    {
        logger.LogWarning("Upload refused: {Kind}", failure.Kind);
        var status = failure.Kind switch
        {
            FilecheckFailureKind.TooLarge => 413,
            FilecheckFailureKind.UploadExpired => 409,
            FilecheckFailureKind.InvalidRequest => 400,
            FilecheckFailureKind.RateLimited => 429,
            _ => 502,
        };
        return Results.Json(new UploadAnswer(null, FilecheckFailureText.For(failure), failure.Kind == FilecheckFailureKind.UploadExpired), statusCode: status);
    }

    private static string? Clean(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var clean = new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > max ? clean[..max] : clean;
    }
}
