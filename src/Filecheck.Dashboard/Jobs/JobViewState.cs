using System.Globalization;

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
