using System.Text.Json;
using Filecheck.Api;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.History;

/// <summary>
/// A job's JSON as the store keeps it: presigned URLs expire and open customers' files, so every one is removed
/// (<c>downloadUrl</c>, a proof's <c>url</c>, and any string carrying a signature) before a byte reaches the disk.
/// </summary>
public static class JobBody
{
    public static string Serialize(Job job) => SignedUrls.RedactedJson(job, asNull: true);

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
}
