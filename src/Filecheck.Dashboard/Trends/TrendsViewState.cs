using Filecheck.Dashboard.Shell;
using K = Filecheck.Dashboard.Shell.QueryKeys<Filecheck.Dashboard.Trends.TrendsViewState>;

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
public sealed record TrendsViewState : IAddressView<TrendsViewState>
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

    /// <summary>The page's keys (its five CSV files read the same); unknown or bad values fall back to the defaults.</summary>
    public static QueryKeys<TrendsViewState> Keys { get; } = new(
        K.Date("from", s => s.From, (s, v) => s with { From = v }, write: s => s.IsCustom),
        K.Date("to", s => s.To, (s, v) => s with { To = v }, write: s => s.IsCustom),
        K.Number("days", s => s.Days, (s, v) => s with { Days = v }, accept: Presets.Contains, fallback: DefaultDays, write: s => !s.IsCustom),
        K.Choice("group", TrendGrouping.All, s => s.Group, (s, v) => s with { Group = v }, fallback: TrendGrouping.Week),
        K.Choice("unit", [TrendUnit.Jobs, TrendUnit.Files], s => s.Unit, (s, v) => s with { Unit = v }, fallback: TrendUnit.Jobs),
        K.Text("channel", s => s.Channel, (s, v) => s with { Channel = v }),
        K.Text("workflow", s => s.Workflow, (s, v) => s with { Workflow = v }),
        K.Text("rule", s => s.Rule, (s, v) => s with { Rule = v }),
        K.Text("filetype", s => s.FileType, (s, v) => s with { FileType = v }),
        K.Text("step", s => s.StepType, (s, v) => s with { StepType = v }))
    {
        Clean = v => string.IsNullOrWhiteSpace(v) ? null : v.Trim(),
        // A custom range needs both ends, in order, and at most ten years. It replaces the preset, which its link does
        // not write: the same view, read back, is the same state.
        Settle = s => s.From is { } f && s.To is { } t && f <= t && t.DayNumber - f.DayNumber <= 3660
            ? s with { Days = DefaultDays }
            : s with { From = null, To = null },
    };

    public static TrendsViewState FromQuery(string? query) => Keys.FromQuery(query);

    public string ToQuery() => Keys.ToQuery(this);

    /// <summary>A day as the range's ends are written; outside 1900 to 2999 it is no day the trends can count.</summary>
    public static DateOnly? ParseDate(string? text) => Shell.QueryText.Date(text);
}
