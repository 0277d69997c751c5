using System.Text.Json;
using System.Text.Json.Nodes;
using Filecheck.Api.Models;

namespace Filecheck.Api;

/// <summary>
/// Presigned URLs expire and grant access to customers' files: they are never stored or handed out in a download.
/// This removes them from a job's JSON.
/// </summary>
public static class SignedUrls
{
    public const string Placeholder = "[signed URL removed]";

    private static readonly string[] UrlProperties = ["downloadUrl", "url"];
    private static readonly string[] SignatureMarkers = ["X-Amz-Signature", "X-Amz-Credential", "sig=", "Signature="];

    /// <summary>The job as JSON (the API's own shape) with every signed URL replaced by <see cref="Placeholder"/>.</summary>
    public static string RedactedJson(Job job, bool indented = false)
    {
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(job, FilecheckJsonContext.Default.Job);
        return System.Text.Encoding.UTF8.GetString(Redact(utf8, indented));
    }

    /// <summary>Streams the JSON through once, replacing signed URLs; far cheaper than building a document.</summary>
    public static byte[] Redact(ReadOnlySpan<byte> json, bool indented = false)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var reader = new Utf8JsonReader(json);
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
                        writer.WriteStringValue(property is null ? (IsSigned(value) ? Placeholder : value)
                            : ShouldRedact(property, value) ? Placeholder : value);
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

    /// <summary>Replaces, in place, URL-valued <c>downloadUrl</c>/<c>url</c> properties and any string carrying a signature.</summary>
    public static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && ShouldRedact(name, s))
                    {
                        obj[name] = Placeholder;
                    }
                    else
                    {
                        Redact(value);
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.TryGetValue<string>(out var s) && IsSigned(s))
                        array[i] = Placeholder;
                    else
                        Redact(array[i]);
                }
                break;
        }
    }

    public static bool IsSigned(string value) =>
        SignatureMarkers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase));

    private static bool ShouldRedact(string property, string value) =>
        IsSigned(value)
        || (UrlProperties.Contains(property) && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Query.Length > 1);
}
