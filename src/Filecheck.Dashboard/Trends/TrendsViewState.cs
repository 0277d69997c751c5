using System.Globalization;

namespace Filecheck.Dashboard.Trends;

public static class TrendGrouping
{
    public const string Day = "day";
    public const string Week = "week";
    public const string Month = "month";
    public static IReadOnlyList<string> All { get; } = [Day, Week, Month];

    /// <summary>The first day of the period holding <paramref name="day"/>: weeks start on Monday (ISO).</summary>
    public static DateOnly PeriodStart(DateOnly day, string grouping) => grouping switch
    {
        Week => Rollups.RollupGrain.WeekStart(day),
        Month => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    public static DateOnly Next(DateOnly start, string grouping) => grouping switch
    {
        Week => start.AddDays(7),
        Month => start.AddMonths(1),
        _ => start.AddDays(1),
    };
}

public static class TrendUnit
{
    public const string Jobs = "jobs";
    public const string Files = "files";
}

/// <summary>
/// Everything a view of <c>/trends</c> can be: range, grouping, unit and filters. It lives in the query string, so any
/// view pasted into a chat opens the same; unknown or bad values fall back to the defaults.
/// </summary>
public sealed record TrendsViewState
{
    public static IReadOnlyList<int> Presets { get; } = [7, 30, 90, 180, 365];
    public const int DefaultDays = 180;

    /// <summary>Days back from today (a preset); ignored when <see cref="From"/> and <see cref="To"/> give a custom range.</summary>
    public int Days { get; init; } = DefaultDays;
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public string Group { get; init; } = TrendGrouping.Week;
    public string Unit { get; init; } = TrendUnit.Jobs;
    public string? Channel { get; init; }
    public string? Workflow { get; init; }
    public string? Rule { get; init; }
    public string? FileType { get; init; }
    public string? StepType { get; init; }

    public bool IsCustom => From is not null && To is not null;

    /// <summary>The range as first and last day (inclusive), in the installation's zone.</summary>
    public (DateOnly From, DateOnly To) Range(DateOnly today) =>
        IsCustom ? (From!.Value, To!.Value) : (today.AddDays(-(Days - 1)), today);

    /// <summary>The range of the same length just before.</summary>
    public (DateOnly From, DateOnly To) PreviousRange(DateOnly today)
    {
        var (from, to) = Range(today);
        var length = to.DayNumber - from.DayNumber + 1;
        return (from.AddDays(-length), from.AddDays(-1));
    }

    public static TrendsViewState FromQuery(string? query)
    {
        var q = Shell.QueryText.Parse(query);
        string? Get(string key) => q.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        var state = new TrendsViewState();
        if (int.TryParse(Get("days"), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && Presets.Contains(days)) state = state with { Days = days };
        var from = ParseDate(Get("from"));
        var to = ParseDate(Get("to"));
        // A custom range needs both ends, in order, and at most ten years.
        // A custom range replaces the preset, which its link does not write: the same view, read back, is the same state.
        if (from is { } f && to is { } t && f <= t && t.DayNumber - f.DayNumber <= 3660) state = state with { From = f, To = t, Days = DefaultDays };
        if (Get("group") is { } g && TrendGrouping.All.Contains(g)) state = state with { Group = g };
        if (Get("unit") is TrendUnit.Files) state = state with { Unit = TrendUnit.Files };
        return state with
        {
            Channel = Get("channel"), Workflow = Get("workflow"), Rule = Get("rule"), FileType = Get("filetype"), StepType = Get("step"),
        };
    }

    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(key + "=" + Uri.EscapeDataString(value));
        }
        if (IsCustom)
        {
            Add("from", From!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Add("to", To!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        else if (Days != DefaultDays) Add("days", Days.ToString(CultureInfo.InvariantCulture));
        Add("group", Group == TrendGrouping.Week ? null : Group);
        Add("unit", Unit == TrendUnit.Jobs ? null : Unit);
        Add("channel", Channel);
        Add("workflow", Workflow);
        Add("rule", Rule);
        Add("filetype", FileType);
        Add("step", StepType);
        return string.Join("&", parts);
    }

    /// <summary>A day as the range's ends are written; outside 1900 to 2999 it is no day the trends can count.</summary>
    public static DateOnly? ParseDate(string? text) => Shell.QueryText.Date(text);
}
