using System.Globalization;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Trends;
using Filecheck.Dashboard.Trends.Statistics;

namespace Filecheck.Dashboard.Tests.Trends;

public sealed class TrendsQueryTests
{
    private static TrendsQuery Query(RollupHarness h) => new(h.Db, new RollupZone(h.Writer.Zone), new FixedNames(), PlantedHistory.Clock());

    [Fact]
    public async Task LoadAsync_PlantedFallInOneWorkflowAndSlowerPreflight_WhatChangedFlagsBothAndNothingElse()
    {
        using var h = new RollupHarness();
        await PlantedHistory.WriteAsync(h,
            before: new(CardsPassRate: 0.80, FlyersPassRate: 0.60, PreflightMs: 1_000, ValidateMs: 400),
            after: new(CardsPassRate: 0.40, FlyersPassRate: 0.60, PreflightMs: 2_000, ValidateMs: 400));

        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days);

        var cards = Assert.Single(report.Changes, c => c.Dimension == Dimension.Workflow && c.Kind == ChangeKind.PassRate);
        Assert.Equal(("wf_cards", "Business cards"), (cards.Value, cards.Name));
        Assert.Equal(0.80, cards.Before, 2);
        Assert.Equal(0.40, cards.After, 2);
        Assert.Equal((120, 120), (cards.CountBefore, cards.CountAfter));
        Assert.Contains("workflow=wf_cards", cards.JobsUrl);
        Assert.Contains("outcome=fail", cards.JobsUrl);
        var preflight = Assert.Single(report.Changes, c => c.Dimension == Dimension.StepType && c.Kind == ChangeKind.P95);
        Assert.Equal("preflight", preflight.Value);
        Assert.InRange(preflight.After / preflight.Before, 1.9, 2.1);
        // The flyers kept their pass rate; validate kept its speed. (Every slice holding preflight steps got slower, and says so.)
        Assert.DoesNotContain(report.Changes, c => c.Value == "wf_flyers" && c.Kind == ChangeKind.PassRate);
        Assert.DoesNotContain(report.Changes, c => c.Value == "validate");
        Assert.Equal(ChangeKind.PassRate, report.Changes[0].Kind);
    }

    [Fact]
    public async Task LoadAsync_SameRatesAndDurationsBeforeAndAfter_WhatChangedIsEmpty()
    {
        using var h = new RollupHarness();
        var same = new PlantedHistory.Side(CardsPassRate: 0.70, FlyersPassRate: 0.55, PreflightMs: 1_500, ValidateMs: 300);
        await PlantedHistory.WriteAsync(h, same, same);

        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days);

        Assert.Equal(240, report.Total.Total);
        Assert.Equal(240, report.PreviousTotal.Total);
        Assert.Empty(report.Changes);
    }

    [Fact]
    public async Task LoadAsync_RangeLongerThanHalfTheHistory_WhatChangedComparesTheLongestPresetThatFitsAndSaysSo()
    {
        using var h = new RollupHarness();
        await PlantedHistory.WriteAsync(h,
            before: new(CardsPassRate: 0.80, FlyersPassRate: 0.60, PreflightMs: 1_000, ValidateMs: 400),
            after: new(CardsPassRate: 0.40, FlyersPassRate: 0.60, PreflightMs: 2_000, ValidateMs: 400));

        // 90 days against the 90 before them: the history (50 days) holds none of those.
        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days with { Days = 90 });

        Assert.Equal(480, report.Total.Total);
        Assert.Equal(0, report.PreviousTotal.Total);
        var basis = report.Basis;
        Assert.True(basis.Shortened);
        Assert.True(basis.Compared);
        Assert.Equal(new DateOnly(2026, 10, 11), basis.HistoryStart);
        Assert.Equal((30, report.To), (basis.Days, basis.To));
        Assert.Equal(basis.From.AddDays(-30), basis.PreviousFrom);
        Assert.Equal("/trends?days=30", basis.ViewUrl);
        // The same findings as the 30-day view itself, with its links.
        var thirty = await Query(h).LoadAsync(PlantedHistory.Last30Days);
        Assert.Equal(thirty.Changes, report.Changes);
        Assert.Contains(report.Changes, c => c.Value == "wf_cards" && c.Kind == ChangeKind.PassRate && c.ViewUrl.Contains("days=30", StringComparison.Ordinal));
        Assert.False(thirty.Basis.Shortened);
        // No previous figures from days the history does not hold; the 30-day view has them.
        Assert.False(report.PreviousHeld);
        Assert.All(report.Outcomes, o => Assert.Null(o.PreviousPassRate));
        Assert.All(report.Breakdowns, b => Assert.Null(b.PreviousPassRate));
        Assert.All(report.Breakdowns, b => Assert.Null(b.Change));
        Assert.DoesNotContain(TrendsCharts.From(report).Rates, l => l.Name.Contains("previous", StringComparison.Ordinal));
        Assert.True(thirty.PreviousHeld);
        Assert.Contains(thirty.Breakdowns, b => b.PreviousPassRate is not null);
        Assert.Contains(TrendsCharts.From(thirty).Rates, l => l.Name.Contains("previous", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadAsync_RangeShorterThanAnyPresetTwiceOver_ComparesNothingAndSaysWhy()
    {
        using var h = new RollupHarness();
        await PlantedHistory.WriteAsync(h, before: new(0.80, 0.60, 1_000, 400), after: new(0.40, 0.60, 2_000, 400));
        var start = new DateOnly(2026, 10, 11);

        // Three days from the history's second day: a few stray jobs before them, and no preset shorter than three days.
        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days with { From = start.AddDays(1), To = start.AddDays(3) });

        Assert.True(report.Total.Total > 0);
        Assert.False(report.Basis.Compared);
        Assert.False(report.PreviousHeld);
        Assert.Equal(start, report.Basis.HistoryStart);
    }

    [Theory]
    // A 30-day previous range from 2026-10-01: held when the history begins by its 16th day (half of it still held).
    [InlineData("2026-09-01", 30, true)]
    [InlineData("2026-10-01", 30, true)]
    [InlineData("2026-10-16", 30, true)]
    [InlineData("2026-10-17", 30, false)]
    // Seven days: four of them (the half, rounded up) must be held.
    [InlineData("2026-10-04", 7, true)]
    [InlineData("2026-10-05", 7, false)]
    public void Covers_HoldsTheRangeBeforeWhenTheHistoryHoldsAtLeastHalfOfIt(string historyStart, int days, bool held)
    {
        var from = new DateOnly(2026, 10, 1);
        Assert.Equal(held, ChangeBasis.Covers(DateOnly.Parse(historyStart, CultureInfo.InvariantCulture), from, from.AddDays(days - 1)));
        Assert.True(ChangeBasis.Covers(null, from, from.AddDays(days - 1)));
    }

    [Fact]
    public void ShorterView_TakesTheLongestPresetWhoseRangeBeforeIsHeld_EndingOnTheSameDay()
    {
        var today = new DateOnly(2026, 12, 5);
        var year = new TrendsViewState { Days = 365, Workflow = "wf_cards" };
        var (from, to) = year.Range(today);

        // 300 days of history: 180 days need 90 of the 180 before them, which it holds (120).
        var shorter = TrendsQuery.ShorterView(year, from, to, today.AddDays(-299));
        Assert.Equal(year with { Days = 180 }, shorter);
        Assert.Equal("/trends?workflow=wf_cards", Dashboard.Urls.Trends(shorter!));
        // 200 days: 180 would need 90 of the 180 before them (it holds 20); 90 fit.
        Assert.Equal(90, TrendsQuery.ShorterView(year, from, to, today.AddDays(-199))!.Days);
        // 100 days: 90 days would need 45 of the 90 before them (it holds 10); 30 days fit.
        Assert.Equal(30, TrendsQuery.ShorterView(year, from, to, today.AddDays(-99))!.Days);
        // Ten days: not even seven fit twice.
        Assert.Null(TrendsQuery.ShorterView(year with { Days = 7 }, today.AddDays(-6), today, today.AddDays(-9)));

        // A custom range keeps its end, in the past.
        var custom = new TrendsViewState { From = new DateOnly(2026, 6, 1), To = new DateOnly(2026, 11, 30) };
        var fallback = TrendsQuery.ShorterView(custom, custom.From!.Value, custom.To!.Value, new DateOnly(2026, 5, 1));
        Assert.Equal((new DateOnly(2026, 9, 2), new DateOnly(2026, 11, 30)), (fallback!.From!.Value, fallback.To!.Value));
    }

    [Fact]
    public async Task LoadAsync_WorkflowFilter_CountsOnlyItsJobsAndReasonsGroupAcrossPagesAndDpi()
    {
        using var h = new RollupHarness();
        await PlantedHistory.WriteAsync(h,
            before: new(0.80, 0.60, 1_000, 400), after: new(0.40, 0.60, 2_000, 400));

        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days with { Workflow = "wf_cards" });

        Assert.Equal(120, report.Total.Total);
        Assert.Equal(48, report.Total.Pass);
        // Failed and warning steps with the same sentence: one reason each, whatever the page and resolution.
        Assert.Equal(2, report.Reasons.Count);
        Assert.All(report.Reasons, r => Assert.Equal("Image on page … is … dpi", r.Reason));
        Assert.Equal(72, report.Reasons.Sum(r => r.Count));
        Assert.Equal(1.0, report.Reasons.Sum(r => r.Share), 6);
    }

    [Fact]
    public async Task JobsList_ABreakdownRowsLink_ListsExactlyAsManyJobsAsTheRowCounts()
    {
        using var h = new RollupHarness();
        await PlantedHistory.WriteAsync(h, before: new(0.80, 0.60, 1_000, 400), after: new(0.40, 0.60, 2_000, 400));
        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days);
        var list = new JobsListQuery(h.Db, h.Migrator, new RollupZone(h.Writer.Zone));

        foreach (var row in report.Breakdowns)
        {
            var state = TrendsQuery.JobsFor(TrendsQuery.WithFilter(report.View, row.Dimension, row.Value), report.From, report.To);
            var page = await list.LoadAsync(state);
            Assert.Equal(row.Jobs, page.Total);
        }
        var reasonJobs = await list.LoadAsync(TrendsQuery.JobsFor(report.View, report.From, report.To) with { Reason = report.Reasons[0].Reason });
        Assert.True(reasonJobs.Total > 0);
        Assert.All(reasonJobs.Rows, r => Assert.NotEqual("pass", r.Outcome));
    }

    [Fact]
    public async Task Csv_EachFile_HoldsExactlyTheRowsItsChartShows()
    {
        using var h = new RollupHarness();
        await PlantedHistory.WriteAsync(h, before: new(0.80, 0.60, 1_000, 400), after: new(0.40, 0.60, 2_000, 400));
        var report = await Query(h).LoadAsync(PlantedHistory.Last30Days);
        var charts = TrendsCharts.From(report);

        var outcomes = Rows(TrendsCsv.Write(TrendsCsv.Outcomes, report));
        Assert.Equal("period_start,jobs,pass,warn,fail,fixed,other,pass_rate", outcomes[0]);
        Assert.Equal(charts.Labels.Count, outcomes.Length - 1);
        for (var i = 0; i < charts.Labels.Count; i++)
        {
            var f = outcomes[i + 1].Split(',');
            Assert.Equal(TrendsCsv.Date(report.Outcomes[i].Start), f[0]);
            double Series(string group) => charts.Outcomes.Single(o => o.Group == group).Line.Values[i]!.Value;
            Assert.Equal((Series("pass"), Series("warn"), Series("fail"), Series("fixed"), Series("other")),
                (D(f[2]), D(f[3]), D(f[4]), D(f[5]), D(f[6])));
            Assert.Equal(charts.Volume.Values[i], D(f[1]));
            var rate = charts.Rates[0].Values[i];
            Assert.Equal(rate, f[7].Length == 0 ? null : Math.Round(D(f[7]) * 100, 1));
        }

        var durations = Rows(TrendsCsv.Write(TrendsCsv.Durations, report));
        Assert.Equal("period_start,step_type,count,p50_ms,p95_ms", durations[0]);
        foreach (var line in durations.Skip(1))
        {
            var f = line.Split(',');
            var index = report.Outcomes.Select(p => TrendsCsv.Date(p.Start)).ToList().IndexOf(f[0]);
            Assert.Equal(charts.DurationP95.Single(s => s.Name == f[1] + " p95").Values[index], D(f[4]));
            Assert.Equal(charts.DurationP50.Single(s => s.Name == f[1] + " p50").Values[index], D(f[3]));
        }
        var waits = Rows(TrendsCsv.Write(TrendsCsv.Waits, report));
        Assert.Equal("period_start,count,p50_ms,p95_ms", waits[0]);
        Assert.Equal(report.Waits.Count, waits.Length - 1);

        var reasons = Rows(TrendsCsv.Write(TrendsCsv.Reasons, report));
        Assert.Equal("reason,count,share", reasons[0]);
        Assert.Equal(report.Reasons.Select(r => $"{Quote(r.Reason)},{r.Count},{TrendsCsv.Rate(r.Share)}"), reasons.Skip(1));

        var breakdowns = Rows(TrendsCsv.Write(TrendsCsv.Breakdowns, report));
        Assert.Equal("dimension,value,jobs,pass_rate,previous_pass_rate,change,p95_ms", breakdowns[0]);
        Assert.Contains(breakdowns, b => b.StartsWith("workflow,Business cards,120,0.4,0.8,-0.4,", StringComparison.Ordinal));
        Assert.Equal(report.Breakdowns.Count, breakdowns.Length - 1);
    }

    [Fact]
    public void FileName_NamesTheRangeAndTheZone()
    {
        var report = new TrendsReport(new TrendsViewState(), "Europe/Berlin", new DateOnly(2026, 6, 4), new DateOnly(2026, 11, 30),
            default, default, [], OutcomeCounts.Zero, OutcomeCounts.Zero, 0, [], [], [], [], [], new([], [], [], [], []), true);
        Assert.Equal("trends-outcomes-2026-06-04-to-2026-11-30-Europe-Berlin.csv", TrendsCsv.FileName(TrendsCsv.Outcomes, report));
    }

    private static string[] Rows(string csv) => csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}

public sealed class ChangeTestsTests
{
    [Fact]
    public void TwoProportion_KnownExample_MatchesTheTextbookZ()
    {
        // 96/120 against 48/120: pooled 0.6, standard error 0.0632, z = −0.4 / 0.0632 ≈ −6.32.
        var test = ChangeTests.TwoProportion(96, 120, 48, 120)!;
        Assert.Equal(-6.32, test.Z, 2);
        Assert.True(test.PValue < 1e-6);
        var same = ChangeTests.TwoProportion(60, 100, 60, 100)!;
        Assert.Equal(0, same.Z, 6);
        Assert.Equal(1, same.PValue, 6);
    }

    [Fact]
    public void Holm_StepsDownAndStopsAtTheFirstFailure()
    {
        // m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05 in order of p.
        var flags = ChangeTests.Holm([0.010, 0.040, 0.015, 0.030]);
        Assert.Equal([true, false, true, false], flags);
        Assert.Equal([false, false], ChangeTests.Holm([0.03, 0.04]));
        Assert.Equal([true, true], ChangeTests.Holm([0.02, 0.04]));
    }

    [Theory]
    [InlineData(1000, 30, 1250, 30, true)]
    [InlineData(1000, 30, 1249, 30, false)]
    [InlineData(1000, 30, 700, 30, true)]
    [InlineData(1000, 29, 2000, 30, false)]
    public void DurationChanged_TwentyFivePercentWithThirtyStepsEachSide(double before, long nBefore, double after, long nAfter, bool changed)
    {
        Assert.Equal(changed, ChangeTests.DurationChanged(before, nBefore, after, nAfter));
    }

    [Fact]
    public void NormalCdf_KnownValues()
    {
        Assert.Equal(0.5, ChangeTests.NormalCdf(0), 6);
        Assert.Equal(0.975, ChangeTests.NormalCdf(1.959964), 4);
    }
}
