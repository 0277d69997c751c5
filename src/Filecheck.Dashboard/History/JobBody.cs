using System.Text.Json;
using System.Text.Json.Nodes;
using Filecheck.Api;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.History;

/// <summary>
/// A job's JSON as the store keeps it: presigned URLs expire and open customers' files, so every one is removed
/// (<c>downloadUrl</c>, a proof's <c>url</c>, and any string carrying a signature) before a byte reaches the disk.
/// </summary>
public static class JobBody
{
    private static readonly string[] UrlProperties = ["downloadUrl", "url", "signedUrl", "presignedUrl"];
    private static readonly string[] SignatureMarkers =
        ["sig=", "signature=", "x-amz-signature", "x-amz-credential", "x-goog-signature", "expires=", "token="];

    public static string Serialize(Job job)
    {
        var node = JsonSerializer.SerializeToNode(job, FilecheckJsonContext.Default.Job);
        Strip(node);
        return node!.ToJsonString();
    }

    public static Job? Deserialize(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, FilecheckJsonContext.Default.Job);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Sets signed URLs to null in place.</summary>
    public static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        if (UrlProperties.Contains(name, StringComparer.OrdinalIgnoreCase) || IsSigned(s)) obj[name] = null;
                    }
                    else
                    {
                        Strip(value);
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        if (IsSigned(s)) array[i] = null;
                    }
                    else
                    {
                        Strip(array[i]);
                    }
                }
                break;
        }
    }

    /// <summary>An absolute URL whose query carries a signature, an expiry or a token.</summary>
    public static bool IsSigned(string value) =>
        value.Contains('?') && value.Contains("://", StringComparison.Ordinal)
        && SignatureMarkers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase));
}
