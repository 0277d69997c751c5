using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Filecheck.Dashboard.Jobs.Answer;

/// <summary>
/// One preflight finding in words a customer understands. The vendor's reports carry either a filled-in message
/// (the sandbox, the admin) or only a rule ID with measured and required values (the API's job-level evaluation):
/// the second kind is worded here from its fields, so that "bleed_missing, measured_mm 0, required_mm 3" reads
/// "Bleed missing on page 1: 0 mm of 3 mm".
/// </summary>
public static class FindingText
{
    public static string Describe(JsonElement finding)
    {
        if (finding.ValueKind != JsonValueKind.Object) return "A preflight check did not pass";
        if (Str(finding, "message") is { Length: > 0 } message) return message.Trim();

        var rule = Str(finding, "ruleId");
        var page = Num(finding, "page");
        var onPage = page is null ? "" : $" on page {page}";
        switch (rule)
        {
            case "bleed_missing" when Num(finding, "measured_mm") is { } got && Num(finding, "required_mm") is { } need:
                return $"Bleed missing{onPage}: {got} mm of {need} mm";
            case "font_not_embedded" when Str(finding, "font") is { } font:
                return $"Font not embedded: {font}";
            case "image_low_resolution" when Num(finding, "measured_dpi") is { } dpi && Num(finding, "required_dpi") is { } needDpi:
                return $"Image{onPage} is {dpi} dpi, {needDpi} needed";
        }

        var name = Str(finding, "check") ?? Humanize(rule) ?? "A preflight check";
        var text = new StringBuilder(name).Append(onPage);
        var measures = Measures(finding).ToList();
        if (measures.Count > 0) text.Append(": ").Append(string.Join(", ", measures));
        return text.ToString();
    }

    /// <summary>"measured_dpi: 72, required_dpi: 150" as "72 dpi of 150 dpi"; lone values as "name value".</summary>
    private static IEnumerable<string> Measures(JsonElement finding)
    {
        foreach (var property in finding.EnumerateObject())
        {
            if (!property.Name.StartsWith("measured_", StringComparison.Ordinal)) continue;
            var unit = property.Name["measured_".Length..];
            var measured = Value(property.Value);
            if (measured is null) continue;
            var required = finding.TryGetProperty("required_" + unit, out var r) ? Value(r) : null;
            yield return required is null ? $"{measured} {unit}" : $"{measured} {unit} of {required} {unit}";
        }
    }

    public static string? Humanize(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        var words = id.Replace('_', ' ').Replace('-', ' ').Trim();
        return words.Length == 0 ? null : char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static string? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble().ToString("0.##", CultureInfo.InvariantCulture),
        JsonValueKind.String => e.GetString(),
        _ => null,
    };

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? Value(v) : null;
}
