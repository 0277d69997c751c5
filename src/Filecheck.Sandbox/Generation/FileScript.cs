using System.Text;

namespace Filecheck.Sandbox.Generation;

/// <summary>
/// A submitted file may say what the sandbox finds in it: a line <c>%sandbox-findings: none</c> or
/// <c>%sandbox-findings: Bleed Lines; Fonts Embedded</c> (a PDF comment) in its first KB. Such a file's check is scripted
/// (exactly those findings, every step <see cref="StepDuration"/>), so a "corrected file" fixes round 1 on every run.
/// </summary>
internal static class FileScript
{
    public const string Marker = "%sandbox-findings:";
    /// <summary>How much of a file's start the sandbox keeps to read the line (uploads keep no more than this).</summary>
    public const int HeadBytes = 1024;
    public static readonly TimeSpan StepDuration = TimeSpan.FromSeconds(1.5);

    /// <summary>The check names the file asks for (empty for <c>none</c>), or null when it asks for nothing. Unknown names are dropped.</summary>
    public static IReadOnlyList<string>? FindingsOf(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head[..Math.Min(head.Length, HeadBytes)]);
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var end = text.IndexOfAny(['\r', '\n'], at);
        var value = text[(at + Marker.Length)..(end < 0 ? text.Length : end)].Trim();
        if (value.Length == 0 || value.Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        return value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => Catalog.Checks.FirstOrDefault(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase))?.Name)
            .OfType<string>().Distinct().ToList();
    }
}
