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
    JobWriter jobs, WebhookSenderLimit limit, WebhookReplayGuard replays, IOptions<HistoryOptions> options, ILogger<WebhookIntake> logger)
{
    public const string Path = "/webhooks/filecheck";
    public const string SignatureHeader = "x-filecheck-signature";
    /// <summary>Unix seconds, covered by the signature (<c>timestamp + "." + body</c>): a copy sent again is refused.</summary>
    public const string TimestampHeader = "x-filecheck-timestamp";

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

        if (!string.IsNullOrEmpty(o.SigningSecret))
        {
            var timestamp = request.Headers[TimestampHeader];
            if (timestamp.Count > 0)
            {
                // Sent with a timestamp: the signature must cover it, so that neither can be swapped, and each is taken once.
                if (timestamp.Count != 1 || !long.TryParse(timestamp[0], System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                {
                    return Error(StatusCodes.Status401Unauthorized, $"{TimestampHeader} must be one whole number of Unix seconds.");
                }
                var signed = Encoding.UTF8.GetBytes(timestamp[0] + ".").Concat(body).ToArray();
                if (!SignatureMatches(request.Headers[SignatureHeader], signed, o.SigningSecret))
                {
                    return Error(StatusCodes.Status401Unauthorized, $"Missing or wrong {SignatureHeader} (with {TimestampHeader}, it signs timestamp + \".\" + body).");
                }
                switch (replays.Check(seconds, NormalizedSignature(request.Headers[SignatureHeader])))
                {
                    case WebhookFreshness.Stale:
                        return Error(StatusCodes.Status401Unauthorized,
                            $"{TimestampHeader} is more than {WebhookReplayGuard.Window.TotalMinutes:0} minutes away from this server's clock; the webhook was not taken.");
                    case WebhookFreshness.Replayed:
                        return Error(StatusCodes.Status409Conflict, "This webhook (same timestamp and signature) was already received; a replay changes nothing.");
                    case WebhookFreshness.Busy:
                        request.HttpContext.Response.Headers.RetryAfter = "60";
                        return Error(StatusCodes.Status503ServiceUnavailable, "Too many webhooks to tell replays apart right now; try again in a minute.");
                }
            }
            else if (!SignatureMatches(request.Headers[SignatureHeader], body, o.SigningSecret))
            {
                return Error(StatusCodes.Status401Unauthorized, $"Missing or wrong {SignatureHeader}.");
            }
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

    /// <summary>The signature's hex digits in lower case: the same webhook whatever prefix or case it was sent with.</summary>
    private static string NormalizedSignature(string? header)
    {
        var hex = header!.Trim();
        return (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? hex[7..] : hex).ToLowerInvariant();
    }

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

public enum WebhookFreshness
{
    Fresh,
    /// <summary>Its timestamp is more than <see cref="WebhookReplayGuard.Window"/> from now, either way.</summary>
    Stale,
    /// <summary>The same timestamp and signature were taken within the window.</summary>
    Replayed,
    /// <summary>The list of what was seen is full of fresh entries: refused rather than taken unchecked.</summary>
    Busy,
}

/// <summary>
/// The signatures of timestamped webhooks taken in the last <see cref="Window"/> (per instance, in memory): a copy within
/// the window is refused as a replay, one older or newer as stale, so nothing needs remembering longer. Bounded: at
/// <see cref="Capacity"/> entries it drops the stale ones, and refuses while every entry is still fresh.
/// </summary>
public sealed class WebhookReplayGuard(TimeProvider clock, int capacity)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    /// <summary>About 10 MB at most; far above 600 a minute per sender for 10 minutes.</summary>
    public const int Capacity = 100_000;

    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public WebhookReplayGuard(TimeProvider clock) : this(clock, Capacity)
    {
    }

    public int Count
    {
        get
        {
            lock (_gate) return _seen.Count;
        }
    }

    public WebhookFreshness Check(long timestampSeconds, string signature)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var window = (long)Window.TotalSeconds;
        if (timestampSeconds < now - window || timestampSeconds > now + window) return WebhookFreshness.Stale;
        lock (_gate)
        {
            if (_seen.ContainsKey(signature)) return WebhookFreshness.Replayed;
            if (_seen.Count >= capacity)
            {
                // Whatever is older than the window would be refused as stale anyway.
                foreach (var (old, at) in _seen)
                {
                    if (at < now - window) _seen.Remove(old);
                }
                if (_seen.Count >= capacity) return WebhookFreshness.Busy;
            }
            _seen[signature] = timestampSeconds;
            return WebhookFreshness.Fresh;
        }
    }
}
