using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// The query string as every page's view state reads it: parsed once, and only in forms a link can carry, so that a view
/// written back with <c>ToQuery</c> reads the same again.
/// </summary>
public static class QueryText
{
    /// <summary>The first and last day a filter accepts: far inside <see cref="DateOnly"/>, so a day's bounds in any zone and ten years before it still exist.</summary>
    public static readonly DateOnly FirstDate = new(1900, 1, 1);
    public static readonly DateOnly LastDate = new(2999, 12, 31);

    /// <summary>Keys and values decoded; a lone surrogate half (no URL can carry one) becomes U+FFFD, as a browser sends it.</summary>
    public static Dictionary<string, StringValues> Parse(string? query)
    {
        var parsed = QueryHelpers.ParseQuery(query);
        var clean = new Dictionary<string, StringValues>(parsed.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in parsed)
        {
            var scrubbed = Scrub(key);
            var list = values.Select(v => v is null ? v : Scrub(v)).ToArray();
            clean[scrubbed] = clean.TryGetValue(scrubbed, out var before) ? StringValues.Concat(before, list) : new StringValues(list);
        }
        return clean;
    }

    /// <summary>A day written <c>yyyy-MM-dd</c> between <see cref="FirstDate"/> and <see cref="LastDate"/>; anything else is null.</summary>
    public static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d >= FirstDate && d <= LastDate ? d : null;

    /// <summary>Well-formed UTF-16: unpaired surrogates replaced by U+FFFD.</summary>
    public static string Scrub(string text)
    {
        if (!text.Any(char.IsSurrogate)) return text;
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) b.Append(c).Append(text[++i]);
            else b.Append(char.IsSurrogate(c) ? '\ufffd' : c);
        }
        return b.ToString();
    }
}
