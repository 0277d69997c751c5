using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Filecheck.Sandbox.Generation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Filecheck.Sandbox;

/// <summary>
/// <c>POST /uploads</c> and the presigned target it points at: an S3-style POST policy (bucket, key, size range,
/// expiry) signed with a per-server secret. The target streams the file part through a small buffer and keeps only its
/// size and first bytes, so a 500 MB upload costs the sandbox no more memory than a 5 KB one.
/// </summary>
internal sealed class SandboxUploads(TimeProvider clock, long maxBytes, TimeSpan lifetime, int seed)
{
    public const string Bucket = "fc-uploads";
    public const string TargetPath = "/s3/" + Bucket;
    /// <summary>Enough of the file's start to sniff its type and read a scripted file's findings line.</summary>
    private const int HeadBytes = FileScript.HeadBytes;

    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private int _issued;

    internal sealed class Upload(string fileRef, string key, DateTimeOffset expires, string? mimeType)
    {
        public string FileRef => fileRef;
        public string Key => key;
        public DateTimeOffset Expires => expires;
        public string? MimeType => mimeType;
        public long? ReceivedBytes { get; set; }
        public byte[] Head { get; set; } = [];
        public string? FileName { get; set; }
        public string? ContentType { get; set; }
    }

    public long MaxBytes => maxBytes;

    public bool TryGet(string fileRef, out Upload upload) => _uploads.TryGetValue(fileRef, out upload!);

    public JsonObject Issue(Uri baseAddress, string? mimeType)
    {
        var n = Interlocked.Increment(ref _issued);
        var now = SandboxStore.Truncate(clock.GetUtcNow());
        var fileRef = Ids.Ulid("upload_", now.ToUnixTimeMilliseconds(), new Random(Ids.Seed(seed, 7, n)));
        var key = "u/42/" + fileRef;
        var expires = now + lifetime;
        _uploads[fileRef] = new Upload(fileRef, key, expires, mimeType);
        var policy = new JsonObject
        {
            ["expiration"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["conditions"] = new JsonArray(
                new JsonObject { ["bucket"] = Bucket },
                new JsonObject { ["key"] = key },
                new JsonArray("content-length-range", 0, maxBytes)),
        };
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(policy.ToJsonString()));
        return new JsonObject
        {
            ["fileRef"] = fileRef,
            ["upload"] = new JsonObject
            {
                ["url"] = new Uri(baseAddress, TargetPath.TrimStart('/')).ToString(),
                ["fields"] = new JsonObject
                {
                    ["key"] = key,
                    ["bucket"] = Bucket,
                    ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
                    ["X-Amz-Credential"] = $"SANDBOXEXAMPLE/{now:yyyyMMdd}/us-east-1/s3/aws4_request",
                    ["X-Amz-Date"] = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
                    ["Policy"] = encoded,
                    ["X-Amz-Signature"] = Sign(encoded),
                },
                ["method"] = "POST",
            },
            ["maxBytes"] = maxBytes,
            ["expiresIn"] = (int)lifetime.TotalSeconds,
        };
    }

    private string Sign(string policy) => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(policy)));

    /// <summary>The presigned POST: form fields first, the file part last (as S3 wants it). 204 on success, S3's XML errors otherwise.</summary>
    public async Task<IResult> ReceiveAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        // As S3 does: a presigned POST carries its own credentials, so an Authorization header (an API key sent to the
        // wrong host) is refused rather than ignored.
        if (request.Headers.ContainsKey("Authorization"))
            return S3Error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm form field or the Authorization header should be specified");
        // Multipart framing adds a few KB; anything beyond that over the limit is refused before a byte is read.
        if (request.ContentLength is { } length && length > maxBytes + 64 * 1024)
            return S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            return S3Error(400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.");
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes + 1024 * 1024;

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            for (var section = await reader.ReadNextSectionAsync(ctx.RequestAborted); section is not null; section = await reader.ReadNextSectionAsync(ctx.RequestAborted))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    return S3Error(400, "MalformedPOSTRequest", "A part of the form has no Content-Disposition.");
                if (!disposition.IsFileDisposition())
                {
                    if (fields.Count > 32) return S3Error(400, "MalformedPOSTRequest", "Too many form fields.");
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    var buffer = new char[8 * 1024 + 1];
                    var read = await text.ReadBlockAsync(buffer, ctx.RequestAborted);
                    if (read > 8 * 1024) return S3Error(400, "MalformedPOSTRequest", "A form field is too long.");
                    fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? ""] = new string(buffer, 0, read);
                    continue;
                }
                // The file part: the policy must hold before a byte of it is accepted.
                var (upload, refusal) = Authorize(fields);
                if (refusal is not null) return refusal;
                var head = new byte[HeadBytes];
                var headLength = 0;
                long total = 0;
                var chunk = new byte[64 * 1024];
                int n;
                while ((n = await section.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
                {
                    if (headLength < HeadBytes)
                    {
                        var take = Math.Min(HeadBytes - headLength, n);
                        Array.Copy(chunk, 0, head, headLength, take);
                        headLength += take;
                    }
                    total += n;
                    if (total > maxBytes) return S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
                }
                upload!.Head = head[..headLength];
                upload.ReceivedBytes = total;
                upload.FileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value;
                upload.ContentType = section.ContentType ?? fields.GetValueOrDefault("Content-Type");
                return Results.StatusCode(204);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return S3Error(400, "IncompleteBody", "The request body ended before the upload was complete, or was too large.");
        }
        return S3Error(400, "InvalidArgument", "POST requires exactly one file upload per request.");
    }

    private (Upload? Upload, IResult? Refusal) Authorize(Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("Policy", out var policy) || !fields.TryGetValue("X-Amz-Signature", out var signature) || !fields.TryGetValue("key", out var key))
            return (null, S3Error(400, "InvalidArgument", "Bucket POST must contain a field named 'Policy', 'X-Amz-Signature' and 'key'."));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(policy)), Encoding.ASCII.GetBytes(signature)))
            return (null, S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."));
        JsonNode? decoded;
        try { decoded = JsonNode.Parse(Convert.FromBase64String(policy)); }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { decoded = null; }
        var expiration = (string?)decoded?["expiration"];
        var policyKey = decoded?["conditions"]?.AsArray().Select(c => c as JsonObject).FirstOrDefault(c => c?["key"] is not null)?["key"]?.GetValue<string>();
        if (expiration is null || !DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
            return (null, S3Error(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON."));
        if (clock.GetUtcNow() > expires)
            return (null, S3Error(403, "AccessDenied", "Invalid according to Policy: Policy expired."));
        if (policyKey != key || !_uploads.TryGetValue(key[(key.LastIndexOf('/') + 1)..], out var upload) || upload.Key != key)
            return (null, S3Error(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"" + policyKey + "\"]"));
        return (upload, null);
    }

    internal static IResult S3Error(int status, string code, string message) =>
        Results.Text($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{System.Security.SecurityElement.Escape(message)}</Message><RequestId>{Guid.NewGuid():N}</RequestId></Error>",
            "application/xml", Encoding.UTF8, status);

    /// <summary>What the first bytes say the file is: (fileType, mimeType), or null when they say nothing known.</summary>
    public static (string FileType, string Mime)? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF"u8)) return ("pdf", "application/pdf");
        if (head.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 })) return ("raster", "image/png");
        if (head.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF })) return ("raster", "image/jpeg");
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return ("raster", "image/tiff");
        if (head.StartsWith("%!PS"u8)) return ("vector", "application/postscript");
        if (head.StartsWith("PK\u0003\u0004"u8)) return ("archive", "application/zip");
        return null;
    }
}
