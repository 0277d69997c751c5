using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Filecheck.Sandbox.Generation;

/// <summary>One issue a preflight found: a documented check with its placeholders filled.</summary>
internal sealed record Finding(PreflightCheck Check, string Severity, string Message, IReadOnlyDictionary<string, string> Values)
{
    public bool AutoFixable => Check.AutoFixable;

    /// <summary>reject/warn in the report; autofix-only checks read as warnings until they are fixed.</summary>
    public bool IsError => Severity == "reject";

    public JsonObject ToJson(int page)
    {
        var actual = new JsonObject();
        var target = new JsonObject();
        foreach (var (key, value) in Values)
        {
            var (bag, name) = key.StartsWith("target.", StringComparison.Ordinal) ? (target, key[7..])
                : key.StartsWith("actual.", StringComparison.Ordinal) ? (actual, key[7..]) : (actual, key);
            bag[name] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(value);
        }
        var o = new JsonObject
        {
            ["sectionId"] = Check.SectionId,
            ["ruleId"] = Check.RuleId,
            ["check"] = Check.Name,
            ["severity"] = Severity == "reject" ? "reject" : "warn",
            ["page"] = page,
            ["message"] = Message,
            ["fix"] = Fill(Check.Fix, Values),
            ["actual"] = actual,
            ["target"] = target,
            ["autofix"] = Check.AutoFixable
                ? new JsonObject { ["available"] = true, ["runner"] = "optimize", ["strategy"] = Check.RuleId, ["message"] = Check.AutoFix is null ? null : Fill(Check.AutoFix, Values) }
                : new JsonObject { ["available"] = false },
        };
        return o;
    }

    private static readonly Regex Placeholder = new(@"\{([A-Za-z_.]+)\}", RegexOptions.Compiled);

    /// <summary>Fills {placeholders} and drops the docs' code backticks, so the text reads as a sentence.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder.Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value).Replace("`", "");

    /// <summary>Extra facts the docs' sentence leaves out, appended so the reason is concrete.</summary>
    private static readonly Dictionary<string, string> Suffix = new()
    {
        ["Bleed Lines"] = " Found {actual.bleed_mm} mm.",
        ["Fonts Embedded"] = " Not embedded: {actual.fonts}.",
        ["Trimbox"] = " Found {actual.trim_mm} mm.",
    };

    public static Finding Create(PreflightCheck check, Random rng, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var values = new Dictionary<string, string>();
        foreach (Match m in Placeholder.Matches(check.Issue + (Suffix.TryGetValue(check.Name, out var sx) ? sx : "")))
        {
            var key = m.Groups[1].Value;
            if (!values.ContainsKey(key)) values[key] = ValueFor(check.Name, key, rng);
        }
        if (overrides is not null)
            foreach (var (k, v) in overrides) values[k] = v;
        // Names need their count to agree with the count.
        if (check.Name == "Spot Colors" && overrides is null)
        {
            var n = int.Parse(values["actual.count"], CultureInfo.InvariantCulture);
            values["actual.names"] = string.Join(", ", Pantones.Take(n));
        }
        var message = Fill(check.Issue + (Suffix.TryGetValue(check.Name, out var s) ? s : ""), values);
        var severity = check.Severity ?? "warn";
        return new Finding(check, severity == "autofix" ? "warn" : severity, message, values);
    }

    private static readonly string[] Pantones = ["PANTONE 186 C", "PANTONE 300 C", "PANTONE 7406 C", "PANTONE 354 C", "PANTONE Cool Gray 9 C"];
    private static readonly string[] Fonts = ["Helvetica", "Arial-BoldMT", "Futura-Medium", "MyriadPro-Regular", "Gotham-Book"];

    private static string Pick(Random rng, params string[] options) => options[rng.Next(options.Length)];

    private static string ValueFor(string check, string key, Random rng) => (check, key) switch
    {
        ("Orientation", "target.allowed") => Pick(rng, "landscape", "portrait"),
        ("Document Color Mode", "actual.found") => Pick(rng, "RGB", "RGB", "RGB and Lab"),
        (_, "target.allowed") => "CMYK",
        (_, "actual.percent") => rng.Next(312, 380).ToString(CultureInfo.InvariantCulture),
        (_, "target.percent") => Pick(rng, "300", "300", "280", "320"),
        (_, "actual.count") => rng.Next(3, 5).ToString(CultureInfo.InvariantCulture),
        (_, "actual.names") => "PANTONE 186 C, PANTONE 300 C, PANTONE 7406 C",
        (_, "target.max_count") => "2",
        (_, "actual.min_pt") => Pick(rng, "4.5", "5", "5.5"),
        ("Minimum Stroke Width", "target.pt") => Pick(rng, "0.25", "0.3"),
        (_, "target.pt") => "6",
        (_, "target.safe_zone_pt") => Pick(rng, "8.5", "11"),
        (_, "actual.min") => Pick(rng, "72", "96", "110", "120"),
        (_, "target.effective") => Pick(rng, "150", "150", "300"),
        (_, "actual.max") => Pick(rng, "1200", "2400", "1800"),
        (_, "actual.colorspaces") => Pick(rng, "RGB", "Lab", "RGB and Indexed"),
        ("Page Count", "target.min") => "1",
        (_, "target.min") => "8",
        (_, "actual.pageCount") => rng.Next(3, 9).ToString(CultureInfo.InvariantCulture),
        (_, "target.max") => "2",
        (_, "width") => Pick(rng, "90", "210", "148"),
        (_, "height") => Pick(rng, "50", "297", "210"),
        (_, "target.width") => "85",
        (_, "target.height") => "55",
        (_, "target.required_mm") => Pick(rng, "3", "3", "2", "5"),
        (_, "actual.bleed_mm") => Pick(rng, "0", "0", "1", "1.5"),
        (_, "actual.trim_mm") => Pick(rng, "0", "1"),
        (_, "actual.fonts") => string.Join(", ", Fonts.Take(rng.Next(1, 3))),
        (_, "target.min_mm") => Pick(rng, "3", "5"),
        (_, "actual.layout") => "spreads",
        (_, "target.mode") => "single pages",
        (_, "actual.effective_dpi") => rng.Next(62, 140).ToString(CultureInfo.InvariantCulture),
        (_, "target.min_dpi") => Pick(rng, "150", "200"),
        ("Maximum Pixel Size", "actual.width") => rng.Next(14000, 20000).ToString(CultureInfo.InvariantCulture),
        ("Maximum Pixel Size", "actual.height") => rng.Next(9000, 14000).ToString(CultureInfo.InvariantCulture),
        (_, "actual.width") => rng.Next(640, 1600).ToString(CultureInfo.InvariantCulture),
        (_, "actual.height") => rng.Next(480, 1200).ToString(CultureInfo.InvariantCulture),
        (_, "target.min_width") => "2480",
        (_, "target.min_height") => "1748",
        (_, "actual.colorspace") => Pick(rng, "RGB", "Indexed", "Lab"),
        (_, "target.max_mb") => Pick(rng, "50", "100"),
        (_, "target.expected_profile_name") => Pick(rng, "ISO Coated v2 (ECI)", "PSO Coated v3", "GRACoL 2013"),
        (_, "target.ratio") => Pick(rng, "3:2", "4:3", "1:1"),
        (_, "actual.max_percent") => rng.Next(320, 390).ToString(CultureInfo.InvariantCulture),
        (_, "target.max_percent") => "300",
        _ => "?",
    };
}
