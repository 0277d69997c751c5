using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Filecheck.Api;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>
/// <c>POST /webhooks/filecheck</c>: Filecheck's <c>job.completed</c> and <c>job.created</c>. Authenticated by a shared
/// secret header (and an HMAC-SHA256 signature of the raw body when a signing secret is configured), both compared in
/// constant time. The body is never trusted: only the job ID is taken from it, and the job is fetched from Filecheck.
/// Any 4xx changes nothing. Only an authenticated sender spends its address's budget (<c>History:Webhooks:PerMinute</c>),
/// so neither strangers nor another sender can hold Filecheck's webhooks back.
/// </summary>
public sealed class WebhookIntake(
    [FromKeyedServices(FilecheckServiceCollectionExtensions.BackgroundClientName)] IFilecheckClient client,
    JobWriter jobs, WebhookSenderLimit limit, IOptions<HistoryOptions> options, ILogger<WebhookIntake> logger)
{
    public const string Path = "/webhooks/filecheck";
    public const string SignatureHeader = "x-filecheck-signature";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var o = options.Value.Webhooks;
        if (string.IsNullOrEmpty(o.Secret)
            || request.Headers[o.SecretHeader] is not { Count: 1 } given
            || !SameSecret(given[0], o.Secret))
        {
            return Error(StatusCodes.Status401Unauthorized, "Missing or wrong webhook secret.");
        }

        if (request.ContentLength > o.MaxBodyBytes) return TooLarge(o);
        var body = await ReadAsync(request.Body, o.MaxBodyBytes, ct);
        if (body is null) return TooLarge(o);

        if (!string.IsNullOrEmpty(o.SigningSecret) && !SignatureMatches(request.Headers[SignatureHeader], body, o.SigningSecret))
        {
            return Error(StatusCodes.Status401Unauthorized, "Missing or wrong x-filecheck-signature.");
        }

        // Counted after authentication: each accepted webhook costs an upstream GET and a write.
        using var lease = limit.Acquire(request.HttpContext.Connection.RemoteIpAddress);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Error(StatusCodes.Status429TooManyRequests, $"Too many webhooks from this address; try again in {seconds} s.");
        }

        if (ReadJobId(body) is not { } id)
        {
            return Error(StatusCodes.Status400BadRequest, "The body is not a job.completed or job.created event with a valid job id.");
        }

        var result = await client.GetJobAsync(id, ct);
        if (result.IsSuccess)
        {
            await jobs.SaveJobAsync(result.Value, HistorySource.Webhook, ct);
            return Results.Json(new WebhookAnswer(id.Value, result.Value.Status, "stored"), statusCode: StatusCodes.Status200OK);
        }
        if (result.Failure.Kind == FilecheckFailureKind.NotFound)
        {
            return Error(StatusCodes.Status404NotFound, "Filecheck has no such job for this dashboard's key.");
        }
        // Authenticated, but Filecheck cannot be asked now: the sync fetches the job later.
        logger.LogWarning("Webhook for {JobId} accepted but the job could not be fetched: {Kind}", id.Value, result.Failure.Kind);
        await jobs.MarkForRefreshAsync(id.Value, ct);
        return Results.Json(new WebhookAnswer(id.Value, null, "queued"), statusCode: StatusCodes.Status202Accepted);
    }

    public sealed record WebhookAnswer(string Id, string? Status, string Result);

    private static IResult Error(int status, string message) =>
        Results.Json(new WebhookError(true, message), statusCode: status);

    public sealed record WebhookError(bool Error, string Message);

    private static IResult TooLarge(HistoryWebhookOptions o) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {o.MaxBodyBytes} bytes.");

    /// <summary>Hashing first makes the comparison constant-time whatever the lengths.</summary>
    internal static bool SameSecret(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    internal static bool SignatureMatches(string? header, byte[] body, string signingSecret)
    {
        if (string.IsNullOrWhiteSpace(header)) return false;
        var hex = header.Trim();
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) hex = hex[7..];
        if (hex.Length != 64) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), body);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAsync(Stream stream, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The job ID of a <c>job.completed</c> (<c>taskIds</c>/<c>finalized</c>/<c>tasks</c>) or <c>job.created</c>
    /// (numeric <c>taskCount</c>) body; nothing else of the body is used.
    /// </summary>
    internal static JobId? ReadJobId(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String) return null;
            var text = idElement.GetString();
            // The exact ID, not text that merely contains one (a URL, spaces): the body is not a lookup box.
            if (!JobId.IsExactId(text) || !JobId.TryParse(text, out var id, out _)) return null;
            var completed = root.TryGetProperty("taskIds", out _) || root.TryGetProperty("finalized", out _) || root.TryGetProperty("tasks", out _);
            var created = root.TryGetProperty("taskCount", out var count) && count.ValueKind == JsonValueKind.Number;
            return completed || created ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A fixed window a minute long per sender address (the forwarded one behind a known proxy).</summary>
public sealed class WebhookSenderLimit(IOptions<HistoryOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Webhooks.PerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public RateLimitLease Acquire(IPAddress? sender) =>
        _limiter.AttemptAcquire(sender is null ? "unknown" : (sender.IsIPv4MappedToIPv6 ? sender.MapToIPv4() : sender).ToString());

    public void Dispose() => _limiter.Dispose();
}
