using Filecheck.Dashboard.History.Data;
using Filecheck.Dashboard.History.JobsList;
using Filecheck.Dashboard.History.Rollups;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Trends.Statistics;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Trends;

/// <summary>Names for IDs on the trends page; the library endpoints in the dashboard, a fixed map in tests.</summary>
public interface ITrendNames
{
    Task<string?> WorkflowAsync(string id, CancellationToken ct);
    Task<string?> RuleAsync(string id, CancellationToken ct);
}

internal sealed class LibraryTrendNames(LibraryNames names) : ITrendNames
{
    public Task<string?> WorkflowAsync(string id, CancellationToken ct) => names.WorkflowAsync(id, ct);
    public Task<string?> RuleAsync(string id, CancellationToken ct) => names.RuleAsync(id, ct);
}

/// <summary>
/// The trends page's one read: outcomes, rates, percentiles, reasons, breakdowns and what changed for a view, from the
/// daily rollups alone (never the steps), for the range and the previous range of the same length.
/// </summary>
public sealed class TrendsQuery(IDbContextFactory<HistoryDbContext> factory, RollupZone zone, ITrendNames names, TimeProvider clock)
{
    private readonly record struct OutcomeRow(DateOnly Day, string Channel, string WorkflowId, string RuleId, string FileType, OutcomeCounts Counts);
    private readonly record struct StepRow(DateOnly Day, string Channel, string WorkflowId, string RuleId, string FileType, string StepType, string Kind, long Count, byte[] Buckets);

    public DateOnly Today() => JobContribution.DayOf(clock.GetUtcNow(), zone.Zone);

    public string ZoneId => zone.Zone.Id;

    public async Task<TrendsReport> LoadAsync(TrendsViewState view, CancellationToken ct = default)
    {
        var today = Today();
        var (from, to) = view.Range(today);
        var (prevFrom, prevTo) = view.PreviousRange(today);
        await using var db = await factory.CreateDbContextAsync(ct);

        var files = view.Unit == TrendUnit.Files;
        var outcomeQuery = Filter(db.Set<OutcomeRollup>().AsNoTracking().Where(r => r.Day >= prevFrom && r.Day <= to), view);
        var outcomeRows = (await outcomeQuery
                .Select(r => new
                {
                    r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType,
                    P = files ? r.FilePass : r.JobPass, F = files ? r.FileFixed : r.JobFixed, W = files ? r.FileWarn : r.JobWarn,
                    X = files ? r.FileFail : r.JobFail, O = files ? r.FileOther : r.JobOther,
                })
                .ToListAsync(ct))
            .Select(r => new OutcomeRow(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, new OutcomeCounts(r.P, r.F, r.W, r.X, r.O)))
            .ToList();
        var stepQuery = db.Set<StepRollup>().AsNoTracking().Where(r => r.Day >= prevFrom && r.Day <= to);
        stepQuery = FilterSteps(stepQuery, view);
        var stepRows = (await stepQuery.Select(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind, r.Count, r.Buckets }).ToListAsync(ct))
            .Select(r => new StepRow(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind, r.Count, r.Buckets)).ToList();
        var reasonQuery = db.Set<ReasonRollup>().AsNoTracking().Where(r => r.Day >= from && r.Day <= to);
        reasonQuery = FilterReasons(reasonQuery, view);
        var reasonRows = await reasonQuery.GroupBy(r => new { r.Reason, r.Severity })
            .Select(g => new { g.Key.Reason, g.Key.Severity, Count = g.Sum(r => r.Count) }).ToListAsync(ct);
        var inProgress = await InProgressAsync(db, view, from, to, ct);
        var hasHistory = outcomeRows.Count > 0 || await db.Set<OutcomeRollup>().AnyAsync(ct) || await db.Jobs.AnyAsync(ct);
        var options = await OptionsAsync(db, from, to, ct);

        // Totals read the all-types rows unless a file type is chosen; the file-type breakdown reads the per-type rows.
        var totalRows = outcomeRows.Where(r => view.FileType is not null || r.FileType == OutcomeRollup.AllFileTypes).ToList();
        var typeRows = outcomeRows.Where(r => r.FileType != OutcomeRollup.AllFileTypes).ToList();
        bool InRange(DateOnly d) => d >= from && d <= to;
        bool InPrevious(DateOnly d) => d >= prevFrom && d <= prevTo;

        var periods = Periods(from, to, view.Group);
        var prevPeriods = Periods(prevFrom, prevTo, view.Group);
        var byPeriod = Sum(totalRows.Where(r => InRange(r.Day)), r => TrendGrouping.PeriodStart(r.Day, view.Group));
        var byPrevPeriod = Sum(totalRows.Where(r => InPrevious(r.Day)), r => TrendGrouping.PeriodStart(r.Day, view.Group));
        var outcomes = periods.Select((p, i) =>
        {
            var counts = byPeriod.GetValueOrDefault(TrendGrouping.PeriodStart(p.Start, view.Group), OutcomeCounts.Zero);
            var previous = i < prevPeriods.Count ? byPrevPeriod.GetValueOrDefault(TrendGrouping.PeriodStart(prevPeriods[i].Start, view.Group), OutcomeCounts.Zero) : null;
            return new OutcomePeriod(p.Start, p.End, counts, previous?.PassRate, previous?.ReadyRate);
        }).ToList();
        var total = totalRows.Where(r => InRange(r.Day)).Aggregate(OutcomeCounts.Zero, (a, r) => a.Plus(r.Counts));
        var previousTotal = totalRows.Where(r => InPrevious(r.Day)).Aggregate(OutcomeCounts.Zero, (a, r) => a.Plus(r.Counts));

        var durations = Percentiles(stepRows.Where(r => r.Kind == StepRollup.Duration && InRange(r.Day)), view.Group, from, perStepType: true);
        var waits = Percentiles(stepRows.Where(r => r.Kind == StepRollup.Wait && InRange(r.Day)), view.Group, from, perStepType: false);

        var reasonTotal = reasonRows.Sum(r => (long)r.Count);
        var reasons = reasonRows.Where(r => r.Count > 0).OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal).Take(15)
            .Select(r => new ReasonRow(r.Reason, r.Severity, r.Count, reasonTotal == 0 ? 0 : (double)r.Count / reasonTotal)).ToList();

        var breakdowns = new List<BreakdownRow>();
        var changes = new List<(ChangeItem Item, double Score)>();
        var tests = new List<(ChangeItem Item, double P, double Score)>();
        var durationRows = stepRows.Where(r => r.Kind == StepRollup.Duration).ToList();
        foreach (var (dimension, rows, key, stepKey) in new (string, List<OutcomeRow>, Func<OutcomeRow, string>, Func<StepRow, string>)[]
                 {
                     (Dimension.Workflow, totalRows, r => r.WorkflowId, r => r.WorkflowId),
                     (Dimension.Rule, totalRows, r => r.RuleId, r => r.RuleId),
                     (Dimension.Channel, totalRows, r => r.Channel, r => r.Channel),
                     (Dimension.FileType, typeRows, r => r.FileType, r => r.FileType),
                 })
        {
            var now = Sum(rows.Where(r => InRange(r.Day)), key);
            var before = Sum(rows.Where(r => InPrevious(r.Day)), key);
            var p95Now = Merge(durationRows.Where(r => InRange(r.Day)), stepKey);
            var p95Before = Merge(durationRows.Where(r => InPrevious(r.Day)), stepKey);
            foreach (var value in now.Keys.Union(before.Keys).Order(StringComparer.Ordinal))
            {
                var c = now.GetValueOrDefault(value, OutcomeCounts.Zero);
                var b = before.GetValueOrDefault(value, OutcomeCounts.Zero);
                var name = await NameAsync(dimension, value, ct);
                var p95 = p95Now.GetValueOrDefault(value)?.Percentile(0.95);
                if (c.Total > 0)
                {
                    breakdowns.Add(new BreakdownRow(dimension, value, name, c.Total, c.PassRate, b.PassRate,
                        c.PassRate is { } x && b.PassRate is { } y ? x - y : null, p95));
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
        var typeNow = Merge(durationRows.Where(r => InRange(r.Day)), r => r.StepType);
        var typeBefore = Merge(durationRows.Where(r => InPrevious(r.Day)), r => r.StepType);
        foreach (var type in typeNow.Keys.Order(StringComparer.Ordinal))
        {
            AddDurationChange(changes, view, Dimension.StepType, type, type.Length == 0 ? "(no type)" : type, typeBefore.GetValueOrDefault(type), typeNow[type], from, to);
        }
        var significant = ChangeTests.Holm(tests.Select(t => t.P).ToList());
        // Pass rates first (what a manager acts on), biggest moves first; then durations, step types ahead of the slices they explain.
        var passChanges = tests.Where((t, i) => significant[i]).OrderByDescending(t => t.Score).Select(t => t.Item);
        var durationChanges = changes.OrderByDescending(c => c.Item.Dimension == Dimension.StepType).ThenByDescending(c => c.Score).Select(c => c.Item);

        return new TrendsReport(view, zone.Zone.Id, from, to, prevFrom, prevTo, outcomes, total, previousTotal, inProgress, durations, waits,
            reasons, breakdowns, passChanges.Concat(durationChanges).Take(10).ToList(), options, hasHistory);
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

    private static IQueryable<OutcomeRollup> Filter(IQueryable<OutcomeRollup> q, TrendsViewState v)
    {
        if (v.Channel is { } c) { var x = Db(c); q = q.Where(r => r.Channel == x); }
        if (v.Workflow is { } w) { var x = Db(w); q = q.Where(r => r.WorkflowId == x); }
        if (v.Rule is { } u) { var x = Db(u); q = q.Where(r => r.RuleId == x); }
        if (v.FileType is { } f) { var x = Db(f); q = q.Where(r => r.FileType == x); }
        return q;
    }

    private static IQueryable<StepRollup> FilterSteps(IQueryable<StepRollup> q, TrendsViewState v)
    {
        if (v.Channel is { } c) { var x = Db(c); q = q.Where(r => r.Channel == x); }
        if (v.Workflow is { } w) { var x = Db(w); q = q.Where(r => r.WorkflowId == x); }
        if (v.Rule is { } u) { var x = Db(u); q = q.Where(r => r.RuleId == x); }
        if (v.FileType is { } f) { var x = Db(f); q = q.Where(r => r.FileType == x); }
        if (v.StepType is { } s) { var x = Db(s); q = q.Where(r => r.StepType == x); }
        return q;
    }

    private static IQueryable<ReasonRollup> FilterReasons(IQueryable<ReasonRollup> q, TrendsViewState v)
    {
        if (v.Channel is { } c) { var x = Db(c); q = q.Where(r => r.Channel == x); }
        if (v.Workflow is { } w) { var x = Db(w); q = q.Where(r => r.WorkflowId == x); }
        if (v.Rule is { } u) { var x = Db(u); q = q.Where(r => r.RuleId == x); }
        if (v.FileType is { } f) { var x = Db(f); q = q.Where(r => r.FileType == x); }
        if (v.StepType is { } s) { var x = Db(s); q = q.Where(r => r.StepType == x); }
        return q;
    }

    /// <summary>Jobs created in the range and not finished yet: read from the job rows (there are few), not the steps.</summary>
    private async Task<long> InProgressAsync(HistoryDbContext db, TrendsViewState v, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = JobsListQuery.UtcBounds(from, to, zone.Zone);
        var q = db.Jobs.AsNoTracking().Where(j => !j.IsTerminal && j.CreatedAt >= start && j.CreatedAt < end);
        if (v.Channel is { } c) { var x = NullIfNone(c); q = q.Where(j => j.Channel == x); }
        if (v.Workflow is { } w) { var x = NullIfNone(w); q = q.Where(j => j.WorkflowId == x); }
        if (v.Rule is { } u) { var x = NullIfNone(u); q = q.Where(j => j.RuleId == x); }
        return await q.LongCountAsync(ct);
    }

    private static string? NullIfNone(string value) => value == Dimension.None ? null : value;

    private async Task<TrendsFilterOptions> OptionsAsync(HistoryDbContext db, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var dims = await db.Set<OutcomeRollup>().AsNoTracking().Where(r => r.Day >= from && r.Day <= to)
            .Select(r => new { r.Channel, r.WorkflowId, r.RuleId, r.FileType }).Distinct().ToListAsync(ct);
        var stepTypes = await db.Set<StepRollup>().AsNoTracking().Where(r => r.Day >= from && r.Day <= to && r.Kind == StepRollup.Duration)
            .Select(r => r.StepType).Distinct().ToListAsync(ct);
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
            await Choices(Dimension.Channel, dims.Select(d => d.Channel)),
            await Choices(Dimension.Workflow, dims.Select(d => d.WorkflowId)),
            await Choices(Dimension.Rule, dims.Select(d => d.RuleId)),
            await Choices(Dimension.FileType, dims.Select(d => d.FileType).Where(t => t != OutcomeRollup.AllFileTypes)),
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

    private static Dictionary<TKey, OutcomeCounts> Sum<TKey>(IEnumerable<OutcomeRow> rows, Func<OutcomeRow, TKey> key) where TKey : notnull
    {
        var sums = new Dictionary<TKey, OutcomeCounts>();
        foreach (var r in rows)
        {
            var k = key(r);
            sums[k] = sums.TryGetValue(k, out var s) ? s.Plus(r.Counts) : r.Counts;
        }
        return sums;
    }

    private static Dictionary<string, DurationBuckets> Merge(IEnumerable<StepRow> rows, Func<StepRow, string> key)
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

    private static List<PercentilePoint> Percentiles(IEnumerable<StepRow> rows, string grouping, DateOnly from, bool perStepType)
    {
        var merged = new Dictionary<(DateOnly, string), DurationBuckets>();
        foreach (var r in rows)
        {
            var start = TrendGrouping.PeriodStart(r.Day, grouping);
            var k = (start < from ? from : start, perStepType ? r.StepType : "");
            if (!merged.TryGetValue(k, out var b)) merged[k] = b = new DurationBuckets();
            b.AddBytes(r.Buckets);
        }
        return merged.OrderBy(m => m.Key.Item1).ThenBy(m => m.Key.Item2, StringComparer.Ordinal)
            .Select(m => new PercentilePoint(m.Key.Item1, m.Key.Item2, m.Value.Count, m.Value.Percentile(0.5), m.Value.Percentile(0.95)))
            .ToList();
    }
}
