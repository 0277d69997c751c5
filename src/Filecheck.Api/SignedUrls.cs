using System.Text.Json;
using Filecheck.Api.Models;

namespace Filecheck.Api;

/// <summary>
/// Presigned URLs expire and open customers' files: they are never stored or handed out in a download. This removes
/// them from a job's JSON (<c>downloadUrl</c>, a proof's <c>url</c>, and any URL whose query carries a signature,
/// an expiry or a token) in one streaming pass; for the store, a file's <c>source</c> address loses its query and fragment.
/// </summary>
public static class SignedUrls
{
    public const string Placeholder = "[signed URL removed]";

    private static readonly string[] UrlProperties = ["downloadUrl", "url", "signedUrl", "presignedUrl"];
    /// <summary>Where a file came from (a task's or a result's <c>source</c>): the store keeps its address, never its query.</summary>
    private const string SourceProperty = "source";
    private static readonly string[] SignatureMarkers =
        ["sig=", "signature=", "x-amz-signature", "x-amz-credential", "x-goog-signature", "expires=", "token="];

    /// <summary>The job as JSON (the API's own shape) with every signed URL replaced.</summary>
    /// <param name="asNull">Write <c>null</c> instead of <see cref="Placeholder"/> (what the history stores).</param>
    public static string RedactedJson(Job job, bool indented = false, bool asNull = false)
    {
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(job, FilecheckJsonContext.Default.Job);
        return System.Text.Encoding.UTF8.GetString(Redact(utf8, indented, asNull));
    }

    /// <summary>Any JSON value (a step's <c>params</c>, say) with every signed URL replaced.</summary>
    public static string RedactedJson(JsonElement element, bool indented = false) =>
        System.Text.Encoding.UTF8.GetString(Redact(System.Text.Encoding.UTF8.GetBytes(element.GetRawText()), indented));

    /// <summary>Streams the JSON through once, replacing signed URLs; far cheaper than building a document.</summary>
    public static byte[] Redact(ReadOnlySpan<byte> json, bool indented = false, bool asNull = false)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions
               {
                   Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                   MaxDepth = FilecheckJsonContext.MaxJsonDepth,
               }))
        {
            // As deep as the client reads: anything it accepted can be redacted.
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = FilecheckJsonContext.MaxJsonDepth });
            string? property = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        writer.WritePropertyName(property!);
                        continue;
                    case JsonTokenType.String:
                        var value = reader.GetString()!;
                        if (asNull && string.Equals(property, SourceProperty, StringComparison.OrdinalIgnoreCase) && WithoutQuery(value) is { } address)
                        {
                            writer.WriteStringValue(address);
                            break;
                        }
                        var redact = IsSigned(value) || (property is not null && UrlProperties.Contains(property, StringComparer.OrdinalIgnoreCase));
                        if (!redact) writer.WriteStringValue(value);
                        else if (asNull) writer.WriteNullValue();
                        else writer.WriteStringValue(Placeholder);
                        break;
                    case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                    case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                    case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                    case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                    case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                    case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                    case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                    case JsonTokenType.Null: writer.WriteNullValue(); break;
                }
                // A value ends the property it belonged to; array items have none.
                property = null;
            }
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An absolute http(s) address without its query string and fragment (where a presigned URL keeps its signature), for
    /// what is stored; null for anything else.
    /// </summary>
    public static string? WithoutQuery(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : null;

    /// <summary>An absolute URL whose query carries a signature, an expiry or a token.</summary>
    public static bool IsSigned(string value) =>
        value.Contains('?') && value.Contains("://", StringComparison.Ordinal)
        && SignatureMarkers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase));
}
