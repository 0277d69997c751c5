using System.Globalization;
using Filecheck.Dashboard.Jobs.Files;

namespace Filecheck.Dashboard.Jobs;

public static class JobTabs
{
    public const string Timeline = "timeline";
    public const string Files = "files";
    public const string Proofs = "proofs";
    public const string Raw = "raw";

    public static IReadOnlyList<string> All { get; } = [Timeline, Files, Proofs, Raw];

    public static string Normalize(string? tab) => All.Contains(tab) ? tab! : Timeline;
}

/// <summary>Everything a view of the job page can be: it lives in the query string, so any view can be shared.</summary>
public sealed record JobViewState
{
    public string? Tab { get; init; }
    /// <summary>The selected file (task id).</summary>
    public string? File { get; init; }
    /// <summary>The selected step id within <see cref="File"/>.</summary>
    public string? Step { get; init; }
    /// <summary>Timeline zoomed to one file (task id).</summary>
    public string? ZoomFile { get; init; }
    /// <summary>Timeline zoomed to a range, in seconds from the job's start.</summary>
    public double? From { get; init; }
    public double? To { get; init; }
    /// <summary>Files table: text filter, outcome filter, sort column and direction.</summary>
    public string? Filter { get; init; }
    public string? Outcome { get; init; }
    public string? Sort { get; init; }
    public bool Desc { get; init; }

    /// <summary>
    /// The view a query string asks for (keys as <see cref="ToQuery"/> writes them). Whatever cannot be used (an unknown
    /// tab or sort, a range that is no number) is dropped, never an error: a pasted link always opens the job.
    /// </summary>
    public static JobViewState FromQuery(IReadOnlyDictionary<string, string?> query)
    {
        string? Get(string key) => query.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? Shell.QueryText.Scrub(value) : null;
        var sort = Get("sort");
        return new JobViewState
        {
            Tab = JobTabs.Normalize(Get("tab")),
            File = Get("file"),
            Step = Get("step"),
            ZoomFile = Get("zoom"),
            From = Seconds(Get("from")),
            To = Seconds(Get("to")) is > 0 and var to ? to : null,
            Filter = Get("q"),
            Outcome = Get("outcome"),
            Sort = FileRows.SortColumns.Contains(sort) ? sort : null,
            Desc = Get("desc") == "1",
        };
    }

    /// <summary>The view a raw query string (with or without its <c>?</c>) asks for.</summary>
    public static JobViewState FromQuery(string? query) =>
        FromQuery(Shell.QueryText.Parse(query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString()));

    /// <summary>
    /// Seconds from the job's start, within a sane range, to the millisecond the link writes (so a view read back from its
    /// own link is the same view); anything else is ignored.
    /// </summary>
    private static double? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
        && double.IsFinite(s) && s >= 0 && s <= 366 * 24 * 3600 ? Math.Round(s, 3) + 0.0 : null;

    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(key + "=" + Uri.EscapeDataString(value));
        }
        Add("tab", Tab is null or JobTabs.Timeline ? null : Tab);
        Add("file", File);
        Add("step", Step);
        Add("zoom", ZoomFile);
        Add("from", From?.ToString("0.###", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("0.###", CultureInfo.InvariantCulture));
        Add("q", Filter);
        Add("outcome", Outcome);
        Add("sort", Sort);
        Add("desc", Desc ? "1" : null);
        return string.Join("&", parts);
    }
}
