using System.Text;

namespace Filecheck.Api.Models;

/// <summary>Text from an answer made safe to read as it is.</summary>
public static class VisibleText
{
    /// <summary>
    /// Replaces the explicit directional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
    /// reorder the characters after them, with their code point in brackets ("[U+202E]"); other text, right-to-left
    /// scripts included, is left as it is.
    /// </summary>
    public static string DirectionControls(string text)
    {
        var first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (Controls.Contains(c)) sb.Append("[U+").Append(((int)c).ToString("X4")).Append(']');
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>At most <paramref name="max"/> characters of <paramref name="text"/>, cut at a word where one is near, with "…".</summary>
    public static string Clip(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = text.LastIndexOf(' ', max - 1, Math.Min(max, 40));
        var end = cut > 0 ? cut : max - 1;
        if (char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end].TrimEnd() + "…";
    }

    private static readonly System.Buffers.SearchValues<char> Controls =
        System.Buffers.SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");
}
