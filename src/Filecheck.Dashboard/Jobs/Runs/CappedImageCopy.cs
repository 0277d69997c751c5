namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary>Why an upstream image was or was not passed on.</summary>
public enum CappedImageOutcome { Ok, NotAnImage, TooLarge, TimedOut, Broken }

/// <summary>An upstream image read in full, or the reason it was refused.</summary>
public sealed record CappedImage(CappedImageOutcome Outcome, string? ContentType = null, byte[]? Bytes = null)
{
    /// <summary>The image with headers that stop a browser running it as anything else, or a 502 with no body from upstream.</summary>
    public IResult ToResult(HttpContext context, string cacheControl = "private, max-age=300")
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Opened on its own, the image gets no origin and no script, whatever it turns out to be.
        headers.ContentSecurityPolicy = "sandbox";
        if (Outcome != CappedImageOutcome.Ok) return Results.StatusCode(StatusCodes.Status502BadGateway);
        headers.CacheControl = cacheControl;
        return Results.File(Bytes!, ContentType);
    }
}

/// <summary>
/// Copies an upstream image body (a proof behind a presigned URL) counting bytes as they arrive: refused past
/// <see cref="MaxBytes"/> even when no Content-Length is sent, refused when the body takes longer than
/// <see cref="TimeLimit"/>, and only PNG, JPEG or WebP whose first bytes agree with the declared type (no SVG:
/// it can carry script). Buffered up to the cap, so a refused image is never partly served.
/// </summary>
public sealed class CappedImageCopy(long maxBytes = CappedImageCopy.DefaultMaxBytes, TimeSpan? timeLimit = null)
{
    public const long DefaultMaxBytes = 20 * 1024 * 1024;
    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(15);

    public static readonly IReadOnlyList<string> AllowedTypes = ["image/png", "image/jpeg", "image/webp"];

    public long MaxBytes { get; } = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes));

    public TimeSpan TimeLimit { get; } = timeLimit ?? DefaultTimeLimit;

    /// <summary>Reads the body of a successful upstream answer (sent with <c>ResponseHeadersRead</c>).</summary>
    public async Task<CappedImage> ReadAsync(HttpResponseMessage upstream, CancellationToken ct)
    {
        var type = upstream.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
        if (type is null || !AllowedTypes.Contains(type)) return new(CappedImageOutcome.NotAnImage);
        if (upstream.Content.Headers.ContentLength > MaxBytes) return new(CappedImageOutcome.TooLarge);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeLimit);
        var initial = (int)Math.Min(upstream.Content.Headers.ContentLength ?? 64 * 1024, MaxBytes);
        using var buffer = new MemoryStream(initial);
        var chunk = new byte[81920];
        try
        {
            await using var body = await upstream.Content.ReadAsStreamAsync(deadline.Token);
            int read;
            while ((read = await body.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (buffer.Length + read > MaxBytes) return new(CappedImageOutcome.TooLarge);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(CappedImageOutcome.TimedOut);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return new(CappedImageOutcome.Broken);
        }

        var bytes = buffer.ToArray();
        return MatchesType(bytes, type) ? new(CappedImageOutcome.Ok, type, bytes) : new(CappedImageOutcome.NotAnImage);
    }

    /// <summary>The file's magic bytes, so HTML labelled <c>image/png</c> is not passed on.</summary>
    private static bool MatchesType(ReadOnlySpan<byte> bytes, string type) => type switch
    {
        "image/png" => bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/webp" => bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };
}
