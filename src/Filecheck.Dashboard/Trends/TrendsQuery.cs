using System.Globalization;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Trends.Statistics;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Trends;

/// <summary>Names for IDs on the trends page; the library endpoints in the dashboard, a fixed map in tests.</summary>
public interface ITrendNames
{
    Task<string?> WorkflowAsync(string id, CancellationToken ct);
    Task<string?> RuleAsync(string id, CancellationToken ct);

    /// <summary>Why the names could not be fetched (they show as IDs meanwhile); null when they could (or never fail).</summary>
    Filecheck.Api.FilecheckFailure? Failure => null;

    /// <summary>Asks for the names again after a failure; true once they came.</summary>
    Task<bool> RetryAsync(CancellationToken ct) => Task.FromResult(true);
}

internal sealed class LibraryTrendNames(LibraryNames names) : ITrendNames
{
    public Task<string?> WorkflowAsync(string id, CancellationToken ct) => names.WorkflowAsync(id, ct);
    public Task<string?> RuleAsync(string id, CancellationToken ct) => names.RuleAsync(id, ct);
    public Filecheck.Api.FilecheckFailure? Failure => names.Failure;
    public Task<bool> RetryAsync(CancellationToken ct) => names.RetryAsync(ct);
}

/// <summary>
/// The trends page's one read: outcomes, rates, percentiles, reasons, breakdowns and what changed for a view, from the
/// daily rollups alone (never the steps), for the range and the previous range of the same length.
/// </summary>
public sealed class TrendsQuery(IDbContextFactory<DashboardDbContext> factory, RollupZone zone, ITrendNames names, TimeProvider clock)
{
    public DateOnly Today() => JobContribution.DayOf(clock.GetUtcNow(), zone.Zone);

    public string ZoneId => zone.Zone.Id;

    /// <summary>Where the report's workflow and rule names come from, and whether they could be fetched.</summary>
    public ITrendNames Names => names;

    /// <summary>Tests: read the daily rows alone, as views with more filters than the marginals keep always do.</summary>
    internal bool DailyRowsOnly { get; init; }

    public Task<TrendsReport> LoadAsync(TrendsViewState view, CancellationToken ct = default) => LoadAsync(view, Today(), compareShorter: true, ct);

    /// <summary>The report a CSV is written from: its tables and charts, without a shorter range's "what changed", which no CSV holds.</summary>
    public Task<TrendsReport> LoadTablesAsync(TrendsViewState view, CancellationToken ct = default) => LoadAsync(view, Today(), compareShorter: false, ct);

    private async Task<TrendsReport> LoadAsync(TrendsViewState view, DateOnly today, bool compareShorter, CancellationToken ct)
    {
        var (from, to) = view.Range(today);
        var (prevFrom, prevTo) = view.PreviousRange(today);
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var dialect = StoreDialect.For(db);
        var rollups = new RollupReader(connection, dialect, Filters(view), view.StepType is { } st ? Db(st) : null, !DailyRowsOnly);
        var files = view.Unit == TrendUnit.Files;

        // The range before is compared with only where the history holds at least half of it: rates over a few stray
        // days before the history's start read as changes that never happened.
        var historyStart = await HistoryStartAsync(connection, ct);
        var previousHeld = ChangeBasis.Covers(historyStart, prevFrom, prevTo);

        var periods = Periods(from, to, view.Group);
        var prevPeriods = Periods(prevFrom, prevTo, view.Group);
        // Charts read each period as its whole week or month where it is one; totals read the range as few slots as fit.
        var periodSlots = periods.Concat(prevPeriods).SelectMany(p => RollupGrain.Decompose(p.Start, p.End)).ToList();
        var rangeSlots = RollupGrain.Decompose(prevFrom, prevTo).Concat(RollupGrain.Decompose(from, to)).ToList();
        bool InRange(DateOnly d) => d >= from && d <= to;
        bool InPrevious(DateOnly d) => d >= prevFrom && d <= prevTo;

        var outcomeRows = await rollups.OutcomesAsync(0, periodSlots, files, ct);
        var byPeriod = Sum(outcomeRows.Where(r => InRange(r.Start)), r => TrendGrouping.PeriodStart(r.Start, view.Group));
        var byPrevPeriod = Sum(outcomeRows.Where(r => InPrevious(r.Start)), r => TrendGrouping.PeriodStart(r.Start, view.Group));
        var outcomes = periods.Select((p, i) =>
        {
            var counts = byPeriod.GetValueOrDefault(TrendGrouping.PeriodStart(p.Start, view.Group), OutcomeCounts.Zero);
            var previous = previousHeld && i < prevPeriods.Count ? byPrevPeriod.GetValueOrDefault(TrendGrouping.PeriodStart(prevPeriods[i].Start, view.Group), OutcomeCounts.Zero) : null;
            return new OutcomePeriod(p.Start, p.End, counts, previous?.PassRate, previous?.ReadyRate);
        }).ToList();
        var total = outcomeRows.Where(r => InRange(r.Start)).Aggregate(OutcomeCounts.Zero, (a, r) => a.Plus(r.Counts));
        var previousTotal = outcomeRows.Where(r => InPrevious(r.Start)).Aggregate(OutcomeCounts.Zero, (a, r) => a.Plus(r.Counts));

        // Durations per period come from the same rows as the step types' changes over the whole range.
        var stepRows = await rollups.StepsAsync(0, perType: true, StepRollup.Duration, periodSlots, ct);
        var durations = Percentiles(stepRows.Where(r => InRange(r.Start)), view.Group, from, perStepType: true);
        var waitRows = await rollups.StepsAsync(0, perType: false, StepRollup.Wait, periods.SelectMany(p => RollupGrain.Decompose(p.Start, p.End)).ToList(), ct);
        var waits = Percentiles(waitRows, view.Group, from, perStepType: false);

        var reasonRows = await rollups.ReasonsAsync(RollupGrain.Decompose(from, to), ct);
        var reasonTotal = reasonRows.Sum(r => r.Count);
        var reasons = reasonRows.Where(r => r.Count > 0).OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal).Take(15)
            .Select(r => new ReasonRow(r.Reason, r.Severity, r.Count, reasonTotal == 0 ? 0 : (double)r.Count / reasonTotal)).ToList();

        var inProgress = await InProgressAsync(connection, view, from, to, ct);
        var hasHistory = outcomeRows.Count > 0 || await db.Set<OutcomeRollup>().AnyAsync(ct) || await db.Jobs.AnyAsync(ct);
        var options = await OptionsAsync(connection, dialect, from, to, ct);

        var breakdowns = new List<BreakdownRow>();
        var changes = new List<(ChangeItem Item, double Score)>();
        var tests = new List<(ChangeItem Item, double P, double Score)>();
        foreach (var (dimension, bit) in new[]
                 {
                     (Dimension.Workflow, RollupCombo.Workflow), (Dimension.Rule, RollupCombo.Rule),
                     (Dimension.Channel, RollupCombo.Channel), (Dimension.FileType, RollupCombo.FileType),
                 })
        {
            var rows = await rollups.OutcomesAsync(bit, rangeSlots, files, ct);
            var now = Sum(rows.Where(r => InRange(r.Start)), r => r.Group);
            var before = Sum(rows.Where(r => InPrevious(r.Start)), r => r.Group);
            var durationRows = await rollups.StepsAsync(bit, perType: false, StepRollup.Duration, rangeSlots, ct);
            var p95Now = Merge(durationRows.Where(r => InRange(r.Start)), r => r.Group);
            var p95Before = Merge(durationRows.Where(r => InPrevious(r.Start)), r => r.Group);
            foreach (var value in now.Keys.Union(before.Keys).Order(StringComparer.Ordinal))
            {
                var c = now.GetValueOrDefault(value, OutcomeCounts.Zero);
                var b = before.GetValueOrDefault(value, OutcomeCounts.Zero);
                var name = await NameAsync(dimension, value, ct);
                var p95 = p95Now.GetValueOrDefault(value)?.Percentile(0.95);
                if (c.Total > 0)
                {
                    var was = previousHeld ? b.PassRate : null;
                    breakdowns.Add(new BreakdownRow(dimension, value, name, c.Total, c.PassRate, was,
                        c.PassRate is { } x && was is { } y ? x - y : null, p95));
                }
                if (c.Total >= ChangeTests.MinJobsPerSide && b.Total >= ChangeTests.MinJobsPerSide
                    && ChangeTests.TwoProportion(b.Pass, b.Total, c.Pass, c.Total) is { } test)
                {
                    tests.Add((Item(view, dimension, value, name, ChangeKind.PassRate, test.Before, test.After, b.Total, c.Total, test.PValue, from, to),
                        test.PValue, Math.Abs(test.After - test.Before)));
                }
                AddDurationChange(changes, view, dimension, value, name, p95Before.GetValueOrDefault(value), p95Now.GetValueOrDefault(value), from, to);
            }
        }
        // Step types move on their own (a slower preflight), whatever the workflow.
        var typeNow = Merge(stepRows.Where(r => InRange(r.Start)), r => r.StepType);
        var typeBefore = Merge(stepRows.Where(r => InPrevious(r.Start)), r => r.StepType);
        foreach (var type in typeNow.Keys.Order(StringComparer.Ordinal))
        {
            AddDurationChange(changes, view, Dimension.StepType, type, type.Length == 0 ? "(no type)" : type, typeBefore.GetValueOrDefault(type), typeNow[type], from, to);
        }
        var significant = ChangeTests.Holm(tests.Select(t => t.P).ToList());
        // Pass rates first (what a manager acts on), biggest moves first; then durations, step types ahead of the slices they explain.
        var passChanges = tests.Where((t, i) => significant[i]).OrderByDescending(t => t.Score).Select(t => t.Item);
        var durationChanges = changes.OrderByDescending(c => c.Item.Dimension == Dimension.StepType).ThenByDescending(c => c.Score).Select(c => c.Item);

        IReadOnlyList<ChangeItem> changed = passChanges.Concat(durationChanges).Take(10).ToList();
        var basis = new ChangeBasis(from, to, prevFrom, prevTo, historyStart, Shortened: false, Compared: true);
        if (compareShorter && !previousHeld)
        {
            // A range longer than half the history would compare against days with (almost) no jobs, and flag whatever a
            // stray few of them did: compare the longest preset the history holds twice over instead, and say so.
            changed = [];
            basis = basis with { Compared = false };
            if (ShorterView(view, from, to, historyStart) is { } shorter)
            {
                // The same day and history start as this report, whatever the clock did meanwhile.
                var nested = await LoadAsync(shorter, today, compareShorter: false, ct);
                (changed, basis) = (nested.Changes, nested.Basis with { HistoryStart = historyStart, Shortened = true, ViewUrl = Urls.Trends(shorter) });
            }
        }

        return new TrendsReport(view, zone.Zone.Id, from, to, prevFrom, prevTo, outcomes, total, previousTotal, inProgress, durations, waits,
            reasons, breakdowns, changed, options, hasHistory) { Basis = basis, PreviousHeld = previousHeld };
    }

    /// <summary>The first day the rollups count a job on (they outlive the steps' retention): where the history begins.</summary>
    private static async Task<DateOnly?> HistoryStartAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = StoreDialect.Command(connection, "SELECT MIN(\"Day\") FROM \"RollupOutcomes\"");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? StoreDialect.ReadDay(reader, 0) : null;
    }

    /// <summary>The same view over the longest preset shorter than its range, ending on the same day, whose previous range the history covers.</summary>
    internal static TrendsViewState? ShorterView(TrendsViewState view, DateOnly from, DateOnly to, DateOnly? historyStart)
    {
        var length = to.DayNumber - from.DayNumber + 1;
        foreach (var days in TrendsViewState.Presets.Where(d => d < length).OrderDescending())
        {
            var start = to.AddDays(-(days - 1));
            if (!ChangeBasis.Covers(historyStart, start.AddDays(-days), start.AddDays(-1))) continue;
            // A preset ends today, so a shorter preset ends on the same day; a custom range keeps its end.
            return view.IsCustom ? view with { From = start, To = to } : view with { Days = days };
        }
        return null;
    }

    private void AddDurationChange(List<(ChangeItem, double)> changes, TrendsViewState view, string dimension, string value, string name,
        DurationBuckets? before, DurationBuckets? now, DateOnly from, DateOnly to)
    {
        if (before is null || now is null) return;
        var b = before.Percentile(0.95);
        var a = now.Percentile(0.95);
        if (!ChangeTests.DurationChanged(b, before.Count, a, now.Count)) return;
        changes.Add((Item(view, dimension, value, name, ChangeKind.P95, b!.Value, a!.Value, before.Count, now.Count, null, from, to),
            Math.Abs(a.Value / b.Value - 1) / 2));
    }

    private static ChangeItem Item(TrendsViewState view, string dimension, string value, string name, ChangeKind kind,
        double before, double after, long nBefore, long nAfter, double? p, DateOnly from, DateOnly to)
    {
        var filtered = WithFilter(view, dimension, value);
        var jobs = JobsFor(filtered, from, to) with { Outcome = kind == ChangeKind.PassRate && after < before ? OutcomeGroup.Fail : null };
        return new ChangeItem(dimension, value, name, kind, before, after, nBefore, nAfter, p, Urls.Trends(filtered), Urls.JobsList(jobs));
    }

    /// <summary>The view narrowed to one value of a dimension (a breakdown row, a change).</summary>
    public static TrendsViewState WithFilter(TrendsViewState view, string dimension, string value)
    {
        var v = value.Length == 0 ? Dimension.None : value;
        return dimension switch
        {
            Dimension.Workflow => view with { Workflow = v },
            Dimension.Rule => view with { Rule = v },
            Dimension.Channel => view with { Channel = v },
            Dimension.FileType => view with { FileType = v },
            Dimension.StepType => view with { StepType = v },
            _ => view,
        };
    }

    /// <summary>The jobs behind a view: finished, created in the days given, with the view's filters.</summary>
    public static JobsListState JobsFor(TrendsViewState view, DateOnly from, DateOnly to) => new()
    {
        From = from, To = to, Finished = true,
        Channel = view.Channel, Workflow = view.Workflow, Rule = view.Rule, FileType = view.FileType,
    };

    private async Task<string> NameAsync(string dimension, string value, CancellationToken ct)
    {
        if (value.Length == 0) return "(none)";
        var name = dimension switch
        {
            Dimension.Workflow => await names.WorkflowAsync(value, ct),
            Dimension.Rule => await names.RuleAsync(value, ct),
            _ => null,
        };
        return name ?? value;
    }

    private static string Db(string? filter) => filter == Dimension.None ? "" : filter ?? "";

    /// <summary>The view's filters on the rollups' dimensions (the step type is read apart: outcomes have none).</summary>
    private static Dictionary<int, string> Filters(TrendsViewState v)
    {
        var filters = new Dictionary<int, string>();
        if (v.Channel is { } c) filters[RollupCombo.Channel] = Db(c);
        if (v.Workflow is { } w) filters[RollupCombo.Workflow] = Db(w);
        if (v.Rule is { } u) filters[RollupCombo.Rule] = Db(u);
        if (v.FileType is { } f) filters[RollupCombo.FileType] = Db(f);
        return filters;
    }

    /// <summary>
    /// Jobs created in the range and not finished yet: read from the job rows through the unfinished ones (there are few;
    /// the unary <c>+</c> keeps SQLite off the creation-time index, which would visit every job of the range; PostgreSQL
    /// reads it as the same number). A flag is compared with a bound false, and a value that may be NULL with
    /// <c>IS NOT DISTINCT FROM</c>, so both engines read the statement alike.
    /// </summary>
    private async Task<long> InProgressAsync(DbConnection connection, TrendsViewState v, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = JobsListQuery.UtcBounds(from, to, zone.Zone);
        await using var command = StoreDialect.Command(connection, "");
        var sql = new System.Text.StringBuilder("SELECT COUNT(*) FROM \"Jobs\" WHERE \"IsTerminal\" = @no AND +\"CreatedAt\" >= @start AND +\"CreatedAt\" < @end");
        StoreDialect.Add(command, "no", false);
        StoreDialect.Add(command, "start", start.ToUnixTimeMilliseconds());
        StoreDialect.Add(command, "end", end.ToUnixTimeMilliseconds());
        foreach (var (column, value) in new[] { ("Channel", v.Channel), ("WorkflowId", v.Workflow), ("RuleId", v.Rule) })
        {
            if (value is null) continue;
            sql.Append(CultureInfo.InvariantCulture, $" AND \"{column}\" IS NOT DISTINCT FROM @{column}");
            StoreDialect.Add(command, column, NullIfNone(value));
        }
        command.CommandText = sql.ToString();
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static string? NullIfNone(string value) => value == Dimension.None ? null : value;

    /// <summary>Every value seen in the range, whatever the filters: from the one-dimension marginals, a few rows per slot.</summary>
    private async Task<TrendsFilterOptions> OptionsAsync(DbConnection connection, StoreDialect dialect, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var all = new RollupReader(connection, dialect, new Dictionary<int, string>(), null, !DailyRowsOnly);
        var slots = RollupGrain.Decompose(from, to);
        async Task<IEnumerable<string>> Values(int bit) => (await all.OutcomesAsync(bit, slots, files: false, ct)).Select(r => r.Group);
        var stepTypes = (await all.StepsAsync(0, perType: true, StepRollup.Duration, slots, ct)).Select(r => r.StepType);
        async Task<IReadOnlyList<FilterChoice>> Choices(string dimension, IEnumerable<string> values)
        {
            var list = new List<FilterChoice>();
            foreach (var v in values.Distinct().Order(StringComparer.Ordinal))
            {
                list.Add(new FilterChoice(v.Length == 0 ? Dimension.None : v, await NameAsync(dimension, v, ct)));
            }
            return list;
        }
        return new TrendsFilterOptions(
            await Choices(Dimension.Channel, await Values(RollupCombo.Channel)),
            await Choices(Dimension.Workflow, await Values(RollupCombo.Workflow)),
            await Choices(Dimension.Rule, await Values(RollupCombo.Rule)),
            await Choices(Dimension.FileType, await Values(RollupCombo.FileType)),
            await Choices(Dimension.StepType, stepTypes));
    }

    public static IReadOnlyList<(DateOnly Start, DateOnly End)> Periods(DateOnly from, DateOnly to, string grouping)
    {
        var list = new List<(DateOnly, DateOnly)>();
        for (var start = TrendGrouping.PeriodStart(from, grouping); start <= to; start = TrendGrouping.Next(start, grouping))
        {
            var end = TrendGrouping.Next(start, grouping).AddDays(-1);
            // The first and last periods are cut to the range, so a bar never counts a day outside it.
            list.Add((start < from ? from : start, end > to ? to : end));
        }
        return list;
    }

    private static Dictionary<TKey, OutcomeCounts> Sum<TKey>(IEnumerable<OutcomeSlice> rows, Func<OutcomeSlice, TKey> key) where TKey : notnull
    {
        var sums = new Dictionary<TKey, OutcomeCounts>();
        foreach (var r in rows)
        {
            var k = key(r);
            sums[k] = sums.TryGetValue(k, out var s) ? s.Plus(r.Counts) : r.Counts;
        }
        return sums;
    }

    private static Dictionary<string, DurationBuckets> Merge(IEnumerable<StepSlice> rows, Func<StepSlice, string> key)
    {
        var merged = new Dictionary<string, DurationBuckets>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            var k = key(r);
            if (!merged.TryGetValue(k, out var b)) merged[k] = b = new DurationBuckets();
            b.AddBytes(r.Buckets);
        }
        return merged;
    }

    private static List<PercentilePoint> Percentiles(IEnumerable<StepSlice> rows, string grouping, DateOnly from, bool perStepType)
    {
        var merged = new Dictionary<(DateOnly, string), DurationBuckets>();
        foreach (var r in rows)
        {
            var start = TrendGrouping.PeriodStart(r.Start, grouping);
            var k = (start < from ? from : start, perStepType ? r.StepType : "");
            if (!merged.TryGetValue(k, out var b)) merged[k] = b = new DurationBuckets();
            b.AddBytes(r.Buckets);
        }
        return merged.OrderBy(m => m.Key.Item1).ThenBy(m => m.Key.Item2, StringComparer.Ordinal)
            .Select(m => new PercentilePoint(m.Key.Item1, m.Key.Item2, m.Value.Count, m.Value.Percentile(0.5), m.Value.Percentile(0.95)))
            .ToList();
    }
}
