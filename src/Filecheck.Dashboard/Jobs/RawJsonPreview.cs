using System.Text;

namespace Filecheck.Dashboard.Jobs;

/// <summary>
/// The part of a job's JSON the page shows: all of it up to <see cref="MaxShownChars"/>, else its first lines up to that
/// size. A 5,000-file job's JSON is megabytes: sent whole through the circuit it held the tab for many seconds; the
/// download (<c>raw.json</c>) always has all of it.
/// </summary>
public sealed record RawJsonPreview(string Shown, bool IsCut, long ShownBytes, long TotalBytes)
{
    public const int MaxShownChars = 256 * 1024;

    public static RawJsonPreview Of(string json, int maxShownChars = MaxShownChars)
    {
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (json.Length <= maxShownChars) return new RawJsonPreview(json, false, bytes, bytes);
        // Whole lines only (the JSON is indented), so what is shown reads as the start of the document.
        var cut = json.LastIndexOf('\n', maxShownChars - 1);
        var shown = json[..(cut > 0 ? cut : maxShownChars)];
        return new RawJsonPreview(shown, true, Encoding.UTF8.GetByteCount(shown), bytes);
    }
}
