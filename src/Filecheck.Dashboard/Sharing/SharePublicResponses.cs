using System.Net;
using System.Text;

namespace Filecheck.Dashboard.Sharing;

/// <summary>The fixed pages of the public routes: one 404 for every link that does not open, a 429, a 503 "try again in a minute", a form problem.</summary>
public static class SharePublicResponses
{
    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9;line-height:1.5}"
        + "main{max-width:40rem;margin:0 auto;padding:2.5rem 1.25rem}h1{font-size:1.6rem;margin:0 0 .75rem}a{color:#0b57d0}";

    private static string Page(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + $"<meta name=\"robots\" content=\"noindex\"><title>{WebUtility.HtmlEncode(title)}</title><style>{Style}</style></head>"
        + $"<body><main><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</main></body></html>";

    /// <summary>Unknown, expired and revoked links get these very bytes: nothing tells which.</summary>
    public static readonly byte[] NotFoundBody = Encoding.UTF8.GetBytes(Page("This link is not available",
        "<p>The link may have expired or been withdrawn, or its address was not copied in full.</p>"
        + "<p>Please ask the person who sent it to you for a new link.</p>"));

    public static readonly byte[] TooManyBody = Encoding.UTF8.GetBytes(Page("Too many requests",
        "<p>This page was asked for too often from your network in the last minute.</p><p>Please wait a minute, then reload the page.</p>"));

    public static readonly byte[] BusyBody = Encoding.UTF8.GetBytes(Page("Please try again in a minute",
        "<p>Your proofs are asked for a lot right now, so they cannot be fetched this minute.</p>"
        + "<p>Nothing is wrong with your link: please try again in a minute.</p>"));

    /// <summary>The calls every share may cause this minute are spent: a 503 that says when to come back.</summary>
    public static Task WriteBusyAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "60";
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, BusyBody);
    }

    public static Task WriteNotFoundAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status404NotFound, NotFoundBody);

    public static Task WriteTooManyAsync(HttpContext context, CancellationToken ct)
    {
        context.Response.Headers.RetryAfter = "60";
        // The limiter answers before the gate that sets these on every other /s/ response.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        return WriteAsync(context, StatusCodes.Status429TooManyRequests, TooManyBody, ct);
    }

    /// <summary>A form that could not be taken: the reason, and the way back to the proofs.</summary>
    public static Task WriteProblemAsync(HttpContext context, int status, string title, string message, string backUrl) =>
        WriteAsync(context, status, Encoding.UTF8.GetBytes(Page(title,
            $"<p>{WebUtility.HtmlEncode(message)}</p><p><a href=\"{WebUtility.HtmlEncode(backUrl)}\">Back to your proofs</a></p>")));

    private static async Task WriteAsync(HttpContext context, int status, byte[] body, CancellationToken ct = default)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, ct);
    }
}
