using System.Globalization;
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

    /// <summary>
    /// At most <paramref name="max"/> characters of <paramref name="text"/> (the "…" included), cut at a space where one
    /// is near, never inside a character a person sees as one (an emoji, a flag, a letter with its accents).
    /// </summary>
    public static string Clip(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (text.Length <= max) return text;
        // The last whole text element that ends within max - 1 characters, leaving room for the "…".
        var end = 0;
        for (var at = 0; at < max - 1;)
        {
            var next = at + StringInfo.GetNextTextElementLength(text, at);
            if (next > max - 1) break;
            end = at = next;
        }
        // At a word's end already (a space follows), or back to the last space within 40 characters.
        var space = end > 0 && text[end] != ' ' ? text.LastIndexOf(' ', end - 1, Math.Min(end, 40)) : -1;
        if (space > 0) end = space;
        return text[..end].TrimEnd() + "…";
    }

    private static readonly System.Buffers.SearchValues<char> Controls =
        System.Buffers.SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");
}
