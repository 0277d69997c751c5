using System.Globalization;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Shell;
using K = Filecheck.Dashboard.Shell.QueryKeys<Filecheck.Dashboard.Jobs.JobViewState>;

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
public sealed record JobViewState : IAddressView<JobViewState>
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
    /// The page's keys. Whatever cannot be used (an unknown tab or sort, a range that is no number) is dropped, never an
    /// error: a pasted link always opens the job.
    /// </summary>
    public static QueryKeys<JobViewState> Keys { get; } = new(
        K.Choice("tab", JobTabs.All, s => s.Tab, (s, v) => s with { Tab = v }, fallback: JobTabs.Timeline),
        K.Text("file", s => s.File, (s, v) => s with { File = v }),
        K.Text("step", s => s.Step, (s, v) => s with { Step = v }),
        K.Text("zoom", s => s.ZoomFile, (s, v) => s with { ZoomFile = v }),
        new("from", (s, v) => Seconds(v) is { } from ? s with { From = from } : s, s => Written(s.From)),
        new("to", (s, v) => Seconds(v) is > 0 and var to ? s with { To = to } : s, s => Written(s.To)),
        K.Text("q", s => s.Filter, (s, v) => s with { Filter = v }),
        K.Text("outcome", s => s.Outcome, (s, v) => s with { Outcome = v }),
        K.Choice("sort", FileRows.SortColumns, s => s.Sort, (s, v) => s with { Sort = v }),
        K.Flag("desc", s => s.Desc, (s, v) => s with { Desc = v }))
    {
        // The tab is always one of the page's: the timeline unless the address names another.
        Settle = s => s with { Tab = JobTabs.Normalize(s.Tab) },
    };

    /// <summary>The view a raw query string (with or without its <c>?</c>) asks for.</summary>
    public static JobViewState FromQuery(string? query) => Keys.FromQuery(query);

    public string ToQuery() => Keys.ToQuery(this);

    /// <summary>
    /// Seconds from the job's start, within a sane range, to the millisecond the link writes (so a view read back from its
    /// own link is the same view); anything else is ignored.
    /// </summary>
    private static double? Seconds(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
        && double.IsFinite(s) && s >= 0 && s <= 366 * 24 * 3600 ? Math.Round(s, 3) + 0.0 : null;

    private static string? Written(double? seconds) => seconds?.ToString("0.###", CultureInfo.InvariantCulture);
}
