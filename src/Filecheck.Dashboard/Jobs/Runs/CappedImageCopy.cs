using System.Buffers;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary>Why an upstream image was or was not passed on.</summary>
public enum CappedImageOutcome { Ok, NotAnImage, TooLarge, TimedOut, Broken, Busy }

/// <summary>
/// Streams an upstream image body (a proof behind a presigned URL) to the browser through one pooled chunk: only PNG,
/// JPEG or WebP whose first bytes agree with the declared type (no SVG: it can carry script), refused past
/// <see cref="MaxBytes"/> even when no Content-Length is sent (before a byte when the length says so, else by cutting the
/// connection), and refused when the body takes longer than <see cref="TimeLimit"/>. All copies together hold at most
/// <see cref="MaxBytesInFlight"/> bytes: a copy waits for a free chunk, and answers 503 when none frees up in time.
/// </summary>
public sealed class CappedImageCopy
{
    public const long DefaultMaxBytes = 20 * 1024 * 1024;
    public const int ChunkBytes = 64 * 1024;
    public const long DefaultMaxBytesInFlight = 16 * 1024 * 1024;
    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(10);

    public static readonly IReadOnlyList<string> AllowedTypes = ["image/png", "image/jpeg", "image/webp"];

    private readonly SemaphoreSlim _chunks;
    private int _peak;

    public CappedImageCopy(long maxBytes = DefaultMaxBytes, TimeSpan? timeLimit = null, long maxBytesInFlight = DefaultMaxBytesInFlight)
    {
        MaxBytes = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes));
        TimeLimit = timeLimit ?? DefaultTimeLimit;
        Slots = (int)Math.Max(1, maxBytesInFlight / ChunkBytes);
        _chunks = new SemaphoreSlim(Slots, Slots);
    }

    public long MaxBytes { get; }

    public TimeSpan TimeLimit { get; }

    /// <summary>Copies that may run at once, one chunk each.</summary>
    public int Slots { get; }

    public long MaxBytesInFlight => (long)Slots * ChunkBytes;

    /// <summary>The most copies that ran at once since the start (times <see cref="ChunkBytes"/>: the most bytes held).</summary>
    public int PeakInFlight => Volatile.Read(ref _peak);

    /// <summary>
    /// Relays the body of a successful upstream answer (sent with <c>ResponseHeadersRead</c>). <paramref name="start"/> sets
    /// the response's own headers once the image is accepted, just before its first byte; on any other outcome nothing has
    /// been written unless the cap or the time limit struck mid-way, and then the connection is cut, so no partial image passes.
    /// <paramref name="maxBytes"/> lowers the cap for one route (the share page's <c>Sharing:MaxProofBytes</c>).
    /// </summary>
    public async Task<CappedImageOutcome> CopyAsync(HttpResponseMessage upstream, HttpContext context, Action<HttpResponse> start, CancellationToken ct,
        long? maxBytes = null)
    {
        var cap = Math.Min(MaxBytes, maxBytes ?? MaxBytes);
        var type = upstream.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
        if (type is null || !AllowedTypes.Contains(type)) return CappedImageOutcome.NotAnImage;
        var length = upstream.Content.Headers.ContentLength;
        if (length > cap) return CappedImageOutcome.TooLarge;
        if (!await _chunks.WaitAsync(SlotWait, ct)) return CappedImageOutcome.Busy;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var started = false;
        try
        {
            NotePeak();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeLimit);
            try
            {
                await using var body = await upstream.Content.ReadAsStreamAsync(deadline.Token);
                // The first bytes before any header: HTML labelled image/png is refused whole.
                var filled = 0;
                int read;
                while (filled < 12 && (read = await body.ReadAsync(buffer.AsMemory(filled, ChunkBytes - filled), deadline.Token)) > 0) filled += read;
                if (!MatchesType(buffer.AsSpan(0, filled), type)) return CappedImageOutcome.NotAnImage;

                start(context.Response);
                context.Response.ContentType = type;
                if (length is { } known) context.Response.ContentLength = known;
                started = true;
                long total = filled;
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, filled), deadline.Token);
                while ((read = await body.ReadAsync(buffer.AsMemory(0, ChunkBytes), deadline.Token)) > 0)
                {
                    total += read;
                    if (total > cap)
                    {
                        context.Abort();
                        return CappedImageOutcome.TooLarge;
                    }
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), deadline.Token);
                }
                return CappedImageOutcome.Ok;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                if (started) context.Abort();
                return CappedImageOutcome.TimedOut;
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                if (started) context.Abort();
                return CappedImageOutcome.Broken;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _chunks.Release();
        }
    }

    private void NotePeak()
    {
        var now = Slots - _chunks.CurrentCount;
        int seen;
        while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }

    /// <summary>The file's magic bytes, so HTML labelled <c>image/png</c> is not passed on.</summary>
    internal static bool MatchesType(ReadOnlySpan<byte> bytes, string type) => type switch
    {
        "image/png" => bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/webp" => bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };
}
