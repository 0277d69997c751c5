using System.Globalization;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Trends;

public sealed record ChartLine(string Name, IReadOnlyList<double?> Values);

/// <summary>
/// What each chart of <c>/trends</c> draws, from a <see cref="TrendsReport"/>: one label per period and series aligned
/// to them, percentages for rates and milliseconds for durations. The page only hands these to MudBlazor.
/// </summary>
public sealed record TrendsCharts(
    IReadOnlyList<string> Labels,
    IReadOnlyList<(string Group, ChartLine Line)> Outcomes,
    IReadOnlyList<ChartLine> Rates,
    ChartLine Volume,
    IReadOnlyList<ChartLine> DurationP50,
    IReadOnlyList<ChartLine> DurationP95,
    IReadOnlyList<ChartLine> Waits)
{
    public static TrendsCharts From(TrendsReport report)
    {
        var periods = report.Outcomes;
        var labels = periods.Select(p => Label(p.Start, report.View.Group)).ToList();
        // A bar is found again by its label (the chart's click names no period): a range of more than a year names years.
        if (labels.Distinct().Count() < labels.Count) labels = periods.Select(p => p.Start.ToString("MMM d yyyy", CultureInfo.InvariantCulture)).ToList();
        var outcomes = OutcomeGroup.All
            .Select(g => (g, new ChartLine(OutcomeGroup.Label(g), periods.Select(p => (double?)p.Counts.Of(g)).ToList())))
            .ToList();
        var rates = new List<ChartLine>
        {
            new("Pass rate %", periods.Select(p => Percent(p.Counts.PassRate)).ToList()),
            new("Ready rate %", periods.Select(p => Percent(p.Counts.ReadyRate)).ToList()),
        };
        // The previous range's lines where the history holds it, not two empty entries in the legend.
        if (report.PreviousHeld)
        {
            rates.Add(new("Pass rate %, previous range", periods.Select(p => Percent(p.PreviousPassRate)).ToList()));
            rates.Add(new("Ready rate %, previous range", periods.Select(p => Percent(p.PreviousReadyRate)).ToList()));
        }
        var volume = new ChartLine(report.View.Unit == TrendUnit.Files ? "Files" : "Jobs", periods.Select(p => (double?)p.Counts.Total).ToList());
        var starts = periods.Select(p => p.Start).ToList();
        var types = report.Durations.Select(d => d.StepType).Distinct().Order(StringComparer.Ordinal).ToList();
        List<ChartLine> PerType(Func<PercentilePoint, double?> value, string suffix) => types
            .Select(t => new ChartLine($"{(t.Length == 0 ? "(no type)" : t)} {suffix}", Align(starts, report.Durations.Where(d => d.StepType == t), value)))
            .ToList();
        var waits = new List<ChartLine>
        {
            new("Wait p50 (ms)", Align(starts, report.Waits, w => w.P50Ms)),
            new("Wait p95 (ms)", Align(starts, report.Waits, w => w.P95Ms)),
        };
        return new TrendsCharts(labels, outcomes, rates, volume, PerType(d => d.P50Ms, "p50"), PerType(d => d.P95Ms, "p95"), waits);
    }

    private static List<double?> Align(List<DateOnly> starts, IEnumerable<PercentilePoint> points, Func<PercentilePoint, double?> value)
    {
        var byStart = points.ToDictionary(p => p.Start);
        return starts.Select(s => byStart.TryGetValue(s, out var p) ? value(p) is { } v ? Math.Round(v) : (double?)null : null).ToList();
    }

    private static double? Percent(double? rate) => rate is { } r ? Math.Round(r * 100, 1) : null;

    public static string Label(DateOnly start, string grouping) => grouping switch
    {
        TrendGrouping.Month => start.ToString("MMM yyyy", CultureInfo.InvariantCulture),
        _ => start.ToString("MMM d", CultureInfo.InvariantCulture),
    };
}
