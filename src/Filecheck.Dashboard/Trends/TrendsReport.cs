using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Trends;

public sealed record OutcomeCounts(long Pass, long Fixed, long Warn, long Fail, long Other)
{
    public static readonly OutcomeCounts Zero = new(0, 0, 0, 0, 0);
    public long Total => Pass + Fixed + Warn + Fail + Other;
    /// <summary>Clean ÷ finished (a Fixed job is not a pass).</summary>
    public double? PassRate => Total == 0 ? null : (double)Pass / Total;
    /// <summary>(Clean + Fixed) ÷ finished.</summary>
    public double? ReadyRate => Total == 0 ? null : (double)(Pass + Fixed) / Total;
    public OutcomeCounts Plus(OutcomeCounts o) => new(Pass + o.Pass, Fixed + o.Fixed, Warn + o.Warn, Fail + o.Fail, Other + o.Other);

    public long Of(string group) => group switch
    {
        OutcomeGroup.Pass => Pass,
        OutcomeGroup.Fixed => Fixed,
        OutcomeGroup.Warn => Warn,
        OutcomeGroup.Fail => Fail,
        _ => Other,
    };
}

/// <summary>One bar of the outcomes chart, with the same-position period of the previous range beside it.</summary>
public sealed record OutcomePeriod(DateOnly Start, DateOnly End, OutcomeCounts Counts, double? PreviousPassRate, double? PreviousReadyRate);

/// <summary>p50 and p95 of step durations (per step type) or waits ("" step type = all) in one period.</summary>
public sealed record PercentilePoint(DateOnly Start, string StepType, long Count, double? P50Ms, double? P95Ms);

public sealed record ReasonRow(string Reason, string Severity, long Count, double Share);

public static class Dimension
{
    public const string Workflow = "workflow";
    public const string Rule = "rule";
    public const string Channel = "channel";
    public const string FileType = "file_type";
    public const string StepType = "step_type";

    public static string Label(string dimension) => dimension switch
    {
        Workflow => "Workflow",
        Rule => "Rule",
        Channel => "Channel",
        FileType => "File type",
        StepType => "Step type",
        _ => dimension,
    };

    /// <summary>The token a link carries for a missing value (no channel, no workflow, ...).</summary>
    public const string None = "-";
}

public sealed record BreakdownRow(string Dimension, string Value, string Name, long Jobs, double? PassRate, double? PreviousPassRate, double? Change, double? P95Ms);

public enum ChangeKind { PassRate, P95 }

/// <summary>One item of "what changed", with its figures and where to look.</summary>
public sealed record ChangeItem(string Dimension, string Value, string Name, ChangeKind Kind, double Before, double After,
    long CountBefore, long CountAfter, double? PValue, string ViewUrl, string JobsUrl);

public sealed record FilterChoice(string Value, string Name);

public sealed record TrendsFilterOptions(
    IReadOnlyList<FilterChoice> Channels, IReadOnlyList<FilterChoice> Workflows, IReadOnlyList<FilterChoice> Rules,
    IReadOnlyList<FilterChoice> FileTypes, IReadOnlyList<FilterChoice> StepTypes);

/// <summary>Everything <c>/trends</c> shows for one view, read from the rollups only.</summary>
public sealed record TrendsReport(
    TrendsViewState View,
    string ZoneId,
    DateOnly From, DateOnly To, DateOnly PreviousFrom, DateOnly PreviousTo,
    IReadOnlyList<OutcomePeriod> Outcomes,
    OutcomeCounts Total, OutcomeCounts PreviousTotal,
    long InProgress,
    IReadOnlyList<PercentilePoint> Durations,
    IReadOnlyList<PercentilePoint> Waits,
    IReadOnlyList<ReasonRow> Reasons,
    IReadOnlyList<BreakdownRow> Breakdowns,
    IReadOnlyList<ChangeItem> Changes,
    TrendsFilterOptions Options,
    bool HasHistory)
{
    /// <summary>What "what changed" compared: the view's range and the one before it, unless the history is too short for that.</summary>
    public ChangeBasis Basis { get; init; } = new(From, To, PreviousFrom, PreviousTo, null, Shortened: false, Compared: true);

    /// <summary>
    /// The history holds enough of the previous range (<see cref="ChangeBasis.Covers"/>) for the previous figures: the
    /// rate chart's previous lines and the breakdowns' previous pass rates and changes are left out when it does not.
    /// </summary>
    public bool PreviousHeld { get; init; } = true;

    /// <summary>The range's length in days (and its previous range's).</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;
}

/// <summary>
/// The two ranges "what changed" compares. <see cref="Shortened"/>: the view's range is longer than half the history, so a
/// shorter range ending on the same day was compared (<see cref="ViewUrl"/> opens it). <see cref="Compared"/> false: not even
/// the shortest preset fits twice in the history, so nothing was compared.
/// </summary>
public sealed record ChangeBasis(DateOnly From, DateOnly To, DateOnly PreviousFrom, DateOnly PreviousTo, DateOnly? HistoryStart, bool Shortened, bool Compared)
{
    public string? ViewUrl { get; init; }

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>
    /// The history holds enough of the previous range to compare with: it begins at the latest halfway through it (a
    /// range's worth of rates against a few stray days' is no comparison). No history at all: nothing to warn about.
    /// </summary>
    public static bool Covers(DateOnly? historyStart, DateOnly previousFrom, DateOnly previousTo) =>
        historyStart is not { } start || start <= previousFrom.AddDays((previousTo.DayNumber - previousFrom.DayNumber + 1) / 2);
}
