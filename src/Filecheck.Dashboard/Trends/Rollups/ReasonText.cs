using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>
/// Turns a step's reason into the sentence it shares with every similar one, so they count as one: a message written
/// from one of Filecheck's documented checks becomes that check's sentence with its values left out; any other message
/// loses its numbers, page references and file names ("Image on page 3 is 150 dpi" = "Image on page 7 is 96 dpi").
/// </summary>
public static partial class ReasonText
{
    public const string Gap = "…";

    private static readonly Lazy<IReadOnlyList<(string Prefix, Regex Pattern, string Sentence)>> Templates = new(LoadTemplates);

    public static string? Normalize(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) return null;
        var text = MoreSuffix().Replace(reason.Trim(), "").Replace("`", "").Trim();
        foreach (var (prefix, pattern, sentence) in Templates.Value)
        {
            // A pattern opens with its sentence's first words: a message that does not is never run through it (every save normalizes).
            if (text.StartsWith(prefix, StringComparison.Ordinal) && pattern.IsMatch(text)) return sentence;
        }
        text = FileName().Replace(text, Gap);
        text = PageReference().Replace(text, "page " + Gap);
        text = Number().Replace(text, Gap);
        text = Gaps().Replace(text, Gap);
        return Spaces().Replace(text, " ").Trim();
    }

    /// <summary>The documented checks' customer-facing sentences, each as a pattern with its placeholders open.</summary>
    private static IReadOnlyList<(string, Regex, string)> LoadTemplates()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Filecheck.Dashboard.preflight-checks.json");
        if (stream is null) return [];
        using var doc = JsonDocument.Parse(stream);
        var list = new List<(string, Regex, string)>();
        foreach (var check in doc.RootElement.GetProperty("checks").EnumerateArray())
        {
            if (!check.TryGetProperty("issue", out var issue) || issue.GetString() is not { Length: > 0 } template) continue;
            template = template.Replace("`", "");
            var pieces = Placeholder().Split(template);
            // Split keeps the captured names at odd positions: literal, name, literal, ...
            var pattern = "^";
            var sentence = "";
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i % 2 == 0)
                {
                    pattern += Regex.Escape(pieces[i]);
                    sentence += pieces[i];
                }
                else
                {
                    pattern += "(.+?)";
                    sentence += Gap;
                }
            }
            // Messages may carry an extra sentence of facts after the documented one.
            list.Add((pieces[0], new Regex(pattern + @"(?:\s.*)?$", RegexOptions.Singleline | RegexOptions.CultureInvariant), sentence.Trim()));
        }
        return list;
    }

    [GeneratedRegex(@"\{([A-Za-z_.]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s*\(\+\d+ more\)\s*$")]
    private static partial Regex MoreSuffix();

    [GeneratedRegex(@"[\w\-.]+\.(pdf|png|jpe?g|tiff?|svg|eps|ai|docx?|pptx?|psd|indd|zip)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FileName();

    [GeneratedRegex(@"\b(pages?|p\.)\s*\d+(\s*(-|–|to|and|,)\s*\d+)*", RegexOptions.IgnoreCase)]
    private static partial Regex PageReference();

    [GeneratedRegex(@"[-+]?\d+([.,]\d+)*")]
    private static partial Regex Number();

    [GeneratedRegex(@"…(\s*[,x×/]?\s*…)+")]
    private static partial Regex Gaps();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
