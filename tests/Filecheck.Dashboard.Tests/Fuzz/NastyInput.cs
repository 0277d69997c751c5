using System.Text;
using QueryText = Filecheck.Dashboard.Shell.QueryText;
using CsCheck;

namespace Filecheck.Dashboard.Tests.Fuzz;

/// <summary>
/// Generators of hostile text for the input fuzz: control characters, look-alike and right-to-left Unicode, lone
/// surrogates, path traversal (<c>../</c>, <c>%2f</c>), query and fragment marks, numbers a parser chokes on (1e400,
/// NaN, -0), dates at the calendar's ends, very long strings, and all of these glued around real job IDs and links.
/// </summary>
public static class NastyInput
{
    /// <summary>Pieces that each broke some parser somewhere; glued together in any order.</summary>
    public static readonly string[] Fragments =
    [
        "job_", "job_demo_passing", "job_demo_failing", "job_01jf8n2q4vxw9k3m5p7r9t1v3x", "JOB_abc", "Job_x", "job__", "job_a_b",
        "j\u043eb_abc", "\uff4a\uff4f\uff42\uff3fabc", "job_\u0430bc",
        "../", "..\\", "./", "..", ".", "/", "\\", "//", "/..;/", "%2f", "%2F", "%2e%2e%2f", "%252f", "%00", "%", "%%", "%zz", "%6aob_x", "%u002f",
        "?", "#", "&", "=", "?tab=raw#x", "&file=", ";", ":", "@", "+", "~", "*", "|", "^", "`", "\"", "'", "<", ">", "{", "}", "[", "]", "(", ")",
        "https://", "http://", "HTTPS://admin.filecheck.io/jobs/", "javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "//evil.example/",
        "admin.filecheck.io/jobs/", "https://admin.filecheck.io/#/jobs/", "https://api.filecheck.io/jobs/job_x?expand=runs", "127.0.0.1:1/",
        "1e400", "-1e400", "1e-400", "NaN", "nan", "-0", "+0", "0", "1", "-1", "2.5", "1,5", "Infinity", "-Infinity", "\u221e", "0x10", "1_000",
        "99999999999999999999999", "2147483648", "-2147483649", "\u0663", "\uff11", "1e5", "31622401", "0.0004", "00000000000000000001",
        "2026-02-30", "2026-13-01", "2026-1-1", "0001-01-01", "0000-00-00", "9999-12-31", "1900-01-01", "2026-01-01", "2026-06-15", "\u0662\u0660\u0662\u0666-01-01",
        "all", "7", "30", "365", "raw", "files", "proofs", "timeline", "created", "outcome", "workflow", "desc", "true", "pass", "fail", "other", "day", "week", "month",
        "\0", "\t", "\r\n", "\n", "\v", "\f", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u2028", "\u2029", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\ufffd", "\uffff",
        "\ud83d\ude00", "\ud83d", "\ude00", "\u00e9", "e\u0301", "\u0130", "\u00df", "\u4e2d\u6587", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE Jobs; --", "${jndi:ldap://x}", "{{7*7}}", "%s%n", "\\u0000",
        " ", "  ", "\u00a0", "\u3000", "-", "_", "-_", "A", "z", "9",
    ];

    private const string Alphabet =
        "abcxyzABCXYZ0189_-./\\%?#&=:;@+ \t\r\n\0\u0001\u001f\u007f\u0085\u00a0\u00e9\u0130\u200b\u202e\u2028\ufeff\uffff\u043e\uff4a\ud800\udc00\ud83d\ude00";

    private static readonly Gen<string> Glued = Gen.OneOf(Fragments).Array[1, 8].Select(parts => string.Concat(parts));

    private static readonly Gen<string> Scrambled = Gen.Char[Alphabet].Array[0, 40].Select(chars => new string(chars));

    /// <summary>Any UTF-16 code unit, surrogate halves included.</summary>
    private static readonly Gen<string> AnyUnits = Gen.Char.Array[0, 24].Select(chars => new string(chars));

    /// <summary>Long: a piece repeated past every limit (2,048 for a job ID text, 200 for a filter, 100 for an ID's body).</summary>
    private static readonly Gen<string> Long = Gen.Select(Gen.OneOf(Fragments), Gen.Int[50, 6_000], Gen.OneOf("", "job_", "https://admin.filecheck.io/jobs/job_"),
        (piece, times, prefix) => prefix + new StringBuilder().Insert(0, piece.Length == 0 ? "a" : piece, Math.Max(1, times / Math.Max(1, piece.Length))).ToString());

    /// <summary>A real ID with hostile text around it or inside it.</summary>
    private static readonly Gen<string> AroundAnId = Gen.Select(Glued, Gen.OneOf("job_demo_passing", "job_x", "job_" + new string('a', 100), "job_" + new string('b', 101)), Glued,
        Gen.Int[0, 3], (before, id, after, how) => how switch
        {
            0 => before + id + after,
            1 => before + " " + id + " " + after,
            2 => id[..(id.Length / 2)] + before + id[(id.Length / 2)..],
            _ => "https://admin.filecheck.io/jobs/" + id + after,
        });

    /// <summary>Hostile text of every kind above.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency((5, Glued), (3, Scrambled), (2, AnyUnits), (1, Long), (3, AroundAnId));

    /// <summary>Days that do not exist, and days at the calendar's ends and at the ends of what the filters accept.</summary>
    public static Gen<string> DateLike { get; } = Gen.Frequency(
        (2, Gen.Select(Gen.Int[0, 9999], Gen.Int[0, 13], Gen.Int[0, 32], (year, month, day) => $"{year:0000}-{month:00}-{day:00}")),
        (1, Gen.Int[0, 60].Select(n => Day(DateOnly.MinValue.DayNumber + n))),
        (1, Gen.Int[0, 60].Select(n => Day(DateOnly.MaxValue.DayNumber - n))),
        (1, Gen.Int[-40, 40].Select(n => Day(QueryText.FirstDate.DayNumber + n))),
        (1, Gen.Int[-40, 40].Select(n => Day(QueryText.LastDate.DayNumber + n))),
        (1, Gen.Int[-400, 400].Select(n => Day(DateOnly.FromDateTime(DateTime.UtcNow).DayNumber + n))));

    private static string Day(int dayNumber) => DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The words the pages' lists hold (tabs, sorts, groups, units, presets, outcome groups), so that a list's own values come up often.</summary>
    public static Gen<string> Vocabulary { get; } = Gen.OneOf("timeline", "files", "proofs", "raw", "name", "type", "status", "steps", "duration", "outcome", "created",
        "channel", "workflow", "day", "week", "month", "jobs", "7", "30", "90", "180", "365", "all", "pass", "fixed", "warn", "fail", "other", "1", "0", "Files", " week ");

    /// <summary>Numbers a parser chokes on: beyond double and int, not finite, signed zero, exponents, separators.</summary>
    public static Gen<string> NumberLike { get; } = Gen.Frequency(
        (2, Gen.OneOf("1e400", "-1e400", "1e-400", "NaN", "-NaN", "Infinity", "-Infinity", "-0", "+0", "0", "-0.0", "1,5", "0x1F", "1_0", "٣", "１",
            "2147483647", "2147483648", "-2147483649", "99999999999999999999", "0.0004", "0.0005", "31622400", "31622400.0004", "31622401", "1e5", "100000", "100001")),
        (1, Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Double[-10, 40_000_000].Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>A query string's value: one piece on its own (a day, a number, a word), or hostile text, raw or percent-encoded.</summary>
    public static Gen<string> QueryValue { get; } = Gen.Frequency(
        (2, Gen.OneOf(Fragments)), (2, Vocabulary), (2, DateLike), (2, NumberLike),
        (4, Gen.Select(Text, Gen.Int[0, 2], (text, how) => how switch
        {
            0 => Uri.EscapeDataString(Scrub(text)),
            1 => text.Replace("&", "%26").Replace("#", "%23"),
            _ => text,
        })));

    /// <summary>A whole query string over <paramref name="keys"/> (and a few unknown ones): repeated, empty, encoded or raw values.</summary>
    public static Gen<string> Query(params string[] keys)
    {
        var key = Gen.Frequency((8, Gen.OneOf(keys)), (1, Gen.OneOf("", "x", "%00", "a b", "tab[]", "\u202e")));
        var pair = Gen.Select(key, QueryValue, Gen.Int[0, 9], (k, v, how) => how switch
        {
            0 => k,
            1 => k + "=",
            2 => "=" + v,
            _ => k + "=" + v,
        });
        if (keys.Contains("from") && keys.Contains("to"))
        {
            // A range of days close together, so that both ends land near the calendar's ends at once.
            var range = Gen.Select(DateLike, Gen.Int[-3, 40], (day, span) =>
                DateOnly.TryParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) && d.DayNumber + span is var end && end >= DateOnly.MinValue.DayNumber && end <= DateOnly.MaxValue.DayNumber
                    ? $"from={day}&to={DateOnly.FromDayNumber(end):yyyy-MM-dd}"
                    : $"from={day}&to={day}");
            pair = Gen.Frequency((4, pair), (1, range));
        }
        return Gen.Select(pair.Array[0, 12], Gen.Int[0, 3], (pairs, how) => (how == 0 ? "" : "?") + string.Join(how == 3 ? "&&" : "&", pairs));
    }

    /// <summary>Text as a URL can carry it: a lone surrogate half has no UTF-8 form, so it becomes U+FFFD as in a browser.</summary>
    public static string Scrub(string text) => QueryText.Scrub(text);

    /// <summary>What a job ID in a URL path may hold: exactly an ID, nothing a server would decode, split or normalise.</summary>
    public static bool IsPathSafeId(string value) =>
        Api.JobId.IsExactId(value) && Uri.EscapeDataString(value) == value && !value.Contains("..", StringComparison.Ordinal);
}
