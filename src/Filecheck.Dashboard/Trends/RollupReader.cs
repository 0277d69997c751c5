using System.Data.Common;
using System.Globalization;
using System.Text;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Trends.Rollups;

namespace Filecheck.Dashboard.Trends;

/// <summary>Outcome counts of one slot (a day, week or month start) and one value of the dimension grouped by.</summary>
public readonly record struct OutcomeSlice(DateOnly Start, string Group, OutcomeCounts Counts);

/// <summary>A histogram of one slot, value grouped by, step type and kind.</summary>
public readonly record struct StepSlice(DateOnly Start, string Group, string StepType, string Kind, long Count, byte[] Buckets);

/// <summary>
/// Reads the rollups for one set of filters: from the marginal rows where the filters and the dimension grouped by are
/// few enough to be pre-summed (at most <see cref="RollupCombo.MaxDimensions"/>), else from the daily rows: outcomes and
/// step histograms read once per table for the widest range asked and grouped in memory, reasons summed in SQL.
/// Slots (<see cref="RollupGrain.Decompose"/>) say which marginal rows cover a range; the daily rows are read by day.
/// The same statements on both engines (<see cref="StoreDialect"/>): quoted names, bound days, sums cast to BIGINT.
/// </summary>
public sealed class RollupReader(DbConnection connection, StoreDialect dialect, IReadOnlyDictionary<int, string> filters, string? stepType, bool preSummed = true)
{
    private static readonly Dictionary<int, string> Columns = new()
    {
        [RollupCombo.Channel] = "\"Channel\"", [RollupCombo.Workflow] = "\"WorkflowId\"", [RollupCombo.Rule] = "\"RuleId\"", [RollupCombo.FileType] = "\"FileType\"",
    };

    private int FilterBits => filters.Keys.Aggregate(0, (a, b) => a | b);

    public async Task<List<OutcomeSlice>> OutcomesAsync(int group, IReadOnlyList<(string Grain, DateOnly Start)> slots, bool files, CancellationToken ct)
    {
        var combo = FilterBits | group;
        if (slots.Count == 0) return [];
        if (!UsesMarginals(combo, RollupCombo.MaxDimensions)) return await DailyOutcomesAsync(combo, group, slots, files, ct);
        var prefix = files ? "File" : "Job";
        var sums = string.Join(", ", new[] { "Pass", "Fixed", "Warn", "Fail", "Other" }.Select(c => $"CAST(SUM(\"{prefix}{c}\") AS BIGINT)"));
        var groupColumn = group == 0 ? "''" : Columns[group];
        // PostgreSQL refuses a constant in GROUP BY: without a dimension the rows group by their day alone.
        var groupBy = group == 0 ? "" : ", " + groupColumn;
        var list = new List<OutcomeSlice>();
        foreach (var (sql, grain, bind) in Statements(combo, RollupCombo.MaxDimensions, slots,
                     marginal: $"SELECT \"Start\", {groupColumn}, {sums} FROM \"RollupOutcomeMarginals\" WHERE \"Combo\" = {combo} AND {{slots}}{{filters}} GROUP BY \"Start\"{groupBy}",
                     daily: $"SELECT \"Day\", {groupColumn}, {sums} FROM \"RollupOutcomes\" WHERE {{days}}{{filters}} AND \"FileType\" {((combo & RollupCombo.FileType) != 0 ? "<>" : "=")} '*' GROUP BY \"Day\"{groupBy}"))
        {
            await using var command = Command(sql, bind);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var start = StoreDialect.ReadDay(reader, 0);
                if (grain is null && !Covers(slots, start)) continue;
                list.Add(new OutcomeSlice(start, reader.GetString(1),
                    new OutcomeCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6))));
            }
        }
        return list;
    }

    /// <summary>Histograms per slot and group; per step type when <paramref name="perType"/> (or a step type is chosen), else all types in one.</summary>
    public async Task<List<StepSlice>> StepsAsync(int group, bool perType, string? kind, IReadOnlyList<(string Grain, DateOnly Start)> slots, CancellationToken ct)
    {
        var typed = perType || stepType is not null;
        var combo = FilterBits | group | (typed ? RollupCombo.StepType : 0);
        var groupColumn = group == 0 ? "''" : Columns[group];
        var extra = (stepType is null ? "" : " AND \"StepType\" = @step") + (kind is null ? "" : " AND \"Kind\" = @kind");
        var list = new List<StepSlice>();
        var maxDimensions = RollupCombo.MaxStepDimensions(typed, kind, combo);
        if (slots.Count == 0) return list;
        if (!UsesMarginals(combo, maxDimensions)) return await DailyStepsAsync(group, typed, kind, slots, ct);
        foreach (var (sql, grain, bind) in Statements(combo, maxDimensions, slots,
                     marginal: $"SELECT \"Start\", {groupColumn}, \"StepType\", \"Kind\", \"Count\", \"Buckets\" FROM \"RollupStepMarginals\" WHERE \"Combo\" = {combo} AND {{slots}}{{filters}}{extra}",
                     daily: $"SELECT \"Day\", {groupColumn}, \"StepType\", \"Kind\", \"Count\", \"Buckets\" FROM \"RollupSteps\" WHERE {{days}}{{filters}}{extra}"))
        {
            await using var command = Command(sql, bind);
            if (stepType is not null) StoreDialect.Add(command, "step", stepType);
            if (kind is not null) StoreDialect.Add(command, "kind", kind);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var start = StoreDialect.ReadDay(reader, 0);
                if (grain is null && !Covers(slots, start)) continue;
                list.Add(new StepSlice(start, reader.GetString(1), typed ? reader.GetString(2) : RollupCombo.All, reader.GetString(3), reader.GetInt64(4),
                    reader.IsDBNull(5) ? [] : (byte[])reader.GetValue(5)));
            }
        }
        return list;
    }

    /// <summary>Failing and warning steps per normalized reason and severity over the slots.</summary>
    public async Task<List<(string Reason, string Severity, long Count)>> ReasonsAsync(IReadOnlyList<(string Grain, DateOnly Start)> slots, CancellationToken ct)
    {
        var combo = FilterBits | RollupCombo.StepType;
        var extra = stepType is null ? "" : " AND \"StepType\" = @step";
        var sums = new Dictionary<(string, string), long>();
        foreach (var (sql, _, bind) in Statements(combo, RollupCombo.MaxTypedDimensions, slots,
                     marginal: $"SELECT \"Reason\", \"Severity\", CAST(SUM(\"Count\") AS BIGINT) FROM \"RollupReasonMarginals\" WHERE \"Combo\" = {combo} AND {{slots}}{{filters}}{extra} GROUP BY \"Reason\", \"Severity\"",
                     daily: $"SELECT \"Reason\", \"Severity\", CAST(SUM(\"Count\") AS BIGINT) FROM \"RollupReasons\" WHERE {{days}}{{filters}}{extra} GROUP BY \"Reason\", \"Severity\""))
        {
            await using var command = Command(sql, bind);
            if (stepType is not null) StoreDialect.Add(command, "step", stepType);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                sums[key] = sums.GetValueOrDefault(key) + reader.GetInt64(2);
            }
        }
        return sums.Select(s => (s.Key.Item1, s.Key.Item2, s.Value)).ToList();
    }

    /// <summary>
    /// One statement per grain over the marginal rows; or, when the combination is not pre-summed, one over the daily
    /// rows of the days the slots cover (a contiguous range: the caller keeps only the covered days). Each comes with the
    /// days it binds (<c>@d0</c>, <c>@d1</c>, …), as the engine stores a day.
    /// </summary>
    private IEnumerable<(string Sql, string? Grain, (string Name, DateOnly Day)[] Days)> Statements(int combo, int maxDimensions,
        IReadOnlyList<(string Grain, DateOnly Start)> slots, string marginal, string daily)
    {
        if (slots.Count == 0) yield break;
        var filterSql = FilterSql();
        if (UsesMarginals(combo, maxDimensions))
        {
            foreach (var grain in slots.Select(s => s.Grain).Distinct())
            {
                var days = slots.Where(s => s.Grain == grain).Select(s => s.Start).Distinct().Select((d, i) => ("d" + i, d)).ToArray();
                var starts = string.Join(", ", days.Select(d => "@" + d.Item1));
                yield return (marginal.Replace("{slots}", $"\"Grain\" = '{grain}' AND \"Start\" IN ({starts})").Replace("{filters}", filterSql), grain, days);
            }
            yield break;
        }
        var first = slots.Min(s => s.Start);
        var last = slots.Max(s => RollupGrain.End(s.Grain, s.Start));
        yield return (daily.Replace("{days}", "\"Day\" >= @d0 AND \"Day\" <= @d1").Replace("{filters}", filterSql), null, [("d0", first), ("d1", last)]);
    }

    private string FilterSql()
    {
        var filterSql = new StringBuilder();
        foreach (var (bit, _) in filters) filterSql.Append(CultureInfo.InvariantCulture, $" AND {Columns[bit]} = @f{bit}");
        return filterSql.ToString();
    }

    private bool UsesMarginals(int combo, int maxDimensions) => preSummed && RollupCombo.Dimensions(combo) <= maxDimensions;

    // ---- daily rows ----------------------------------------------------------------------------------------------------
    // A view with more filters than the marginal rows keep reads the daily rows: once per table for the widest range asked
    // (the page asks for its range and the previous one again and again: per chart, per breakdown, per kind), filtered in
    // SQL by the view's filters, then grouped here. Only the filtered values' rows come back: at a million jobs, a view
    // with two filters reads about a year of them in tens of milliseconds (bench/micro.md, --trends-queries-only).

    private readonly record struct DailyOutcome(DateOnly Day, string Channel, string Workflow, string Rule, string FileType, OutcomeCounts Jobs, OutcomeCounts Files);

    private readonly record struct DailyStep(DateOnly Day, string Channel, string Workflow, string Rule, string FileType, string StepType, string Kind, long Count, byte[] Buckets);

    private sealed class DailyCache<T>
    {
        public DateOnly First;
        public DateOnly Last;
        public List<T>? Rows;
    }

    private readonly DailyCache<DailyOutcome> _outcomes = new();
    private readonly DailyCache<DailyStep> _steps = new();

    private static (DateOnly First, DateOnly Last) DaysOf(IReadOnlyList<(string Grain, DateOnly Start)> slots) =>
        (slots.Min(s => s.Start), slots.Max(s => RollupGrain.End(s.Grain, s.Start)));

    /// <summary>The cached rows when they cover the days; else the rows of the days and of the cached ones together.</summary>
    private async Task<List<T>> DailyRowsAsync<T>(DailyCache<T> cache, IReadOnlyList<(string Grain, DateOnly Start)> slots, string select,
        Func<DbDataReader, DateOnly, T> read, CancellationToken ct)
    {
        var (first, last) = DaysOf(slots);
        if (cache.Rows is { } held && first >= cache.First && last <= cache.Last) return held;
        if (cache.Rows is not null)
        {
            first = first < cache.First ? first : cache.First;
            last = last > cache.Last ? last : cache.Last;
        }
        var filterSql = FilterSql();
        var byStepType = stepType is not null && select.Contains("StepType", StringComparison.Ordinal);
        if (byStepType) filterSql += " AND \"StepType\" = @step";
        await using var command = Command($"{select} WHERE \"Day\" >= @d0 AND \"Day\" <= @d1{filterSql}", [("d0", first), ("d1", last)]);
        if (byStepType) StoreDialect.Add(command, "step", stepType);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
            rows.Add(read(reader, StoreDialect.ReadDay(reader, 0)));
        (cache.First, cache.Last, cache.Rows) = (first, last, rows);
        return rows;
    }

    private static string GroupValue(int group, string channel, string workflow, string rule, string fileType) => group switch
    {
        0 => "",
        RollupCombo.Channel => channel,
        RollupCombo.Workflow => workflow,
        RollupCombo.Rule => rule,
        _ => fileType,
    };

    private async Task<List<OutcomeSlice>> DailyOutcomesAsync(int combo, int group, IReadOnlyList<(string Grain, DateOnly Start)> slots, bool files, CancellationToken ct)
    {
        var rows = await DailyRowsAsync(_outcomes, slots,
            "SELECT \"Day\", \"Channel\", \"WorkflowId\", \"RuleId\", \"FileType\", \"JobPass\", \"JobFixed\", \"JobWarn\", \"JobFail\", \"JobOther\", " +
            "\"FilePass\", \"FileFixed\", \"FileWarn\", \"FileFail\", \"FileOther\" FROM \"RollupOutcomes\"",
            (r, day) => new DailyOutcome(day, r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                new OutcomeCounts(r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9)),
                new OutcomeCounts(r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14))), ct);
        // Per file type when the view filters or groups by it, else the job-level rows (file type '*').
        var byFileType = (combo & RollupCombo.FileType) != 0;
        var sums = new Dictionary<(DateOnly, string), OutcomeCounts>();
        foreach (var row in rows)
        {
            if ((row.FileType != RollupCombo.All) != byFileType || !Covers(slots, row.Day)) continue;
            var key = (row.Day, GroupValue(group, row.Channel, row.Workflow, row.Rule, row.FileType));
            sums[key] = sums.TryGetValue(key, out var sum) ? sum.Plus(files ? row.Files : row.Jobs) : files ? row.Files : row.Jobs;
        }
        return sums.Select(s => new OutcomeSlice(s.Key.Item1, s.Key.Item2, s.Value)).ToList();
    }

    private async Task<List<StepSlice>> DailyStepsAsync(int group, bool typed, string? kind, IReadOnlyList<(string Grain, DateOnly Start)> slots, CancellationToken ct)
    {
        var rows = await DailyRowsAsync(_steps, slots,
            "SELECT \"Day\", \"Channel\", \"WorkflowId\", \"RuleId\", \"FileType\", \"StepType\", \"Kind\", \"Count\", \"Buckets\" FROM \"RollupSteps\"",
            (r, day) => new DailyStep(day, r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7),
                r.IsDBNull(8) ? [] : (byte[])r.GetValue(8)), ct);
        var list = new List<StepSlice>();
        foreach (var row in rows)
        {
            if ((kind is not null && row.Kind != kind) || !Covers(slots, row.Day)) continue;
            list.Add(new StepSlice(row.Day, GroupValue(group, row.Channel, row.Workflow, row.Rule, row.FileType), typed ? row.StepType : RollupCombo.All, row.Kind, row.Count, row.Buckets));
        }
        return list;
    }

    private static bool Covers(IReadOnlyList<(string Grain, DateOnly Start)> slots, DateOnly day) =>
        slots.Any(s => day >= s.Start && day <= RollupGrain.End(s.Grain, s.Start));

    private DbCommand Command(string sql, (string Name, DateOnly Day)[] days)
    {
        var command = StoreDialect.Command(connection, sql);
        foreach (var (bit, value) in filters) StoreDialect.Add(command, "f" + bit.ToString(CultureInfo.InvariantCulture), value);
        foreach (var (name, day) in days) StoreDialect.Add(command, name, dialect.Day(day));
        return command;
    }
}
