using System.Globalization;
using System.Text;
using Filecheck.Dashboard.History.Rollups;
using Microsoft.Data.Sqlite;

namespace Filecheck.Dashboard.Trends;

/// <summary>Outcome counts of one slot (a day, week or month start) and one value of the dimension grouped by.</summary>
public readonly record struct OutcomeSlice(DateOnly Start, string Group, OutcomeCounts Counts);

/// <summary>A histogram of one slot, value grouped by, step type and kind.</summary>
public readonly record struct StepSlice(DateOnly Start, string Group, string StepType, string Kind, long Count, byte[] Buckets);

/// <summary>
/// Reads the rollups for one set of filters: from the marginal rows where the filters and the dimension grouped by are
/// few enough to be pre-summed (at most <see cref="RollupCombo.MaxDimensions"/>), else from the daily rows summed in SQL.
/// Slots (<see cref="RollupGrain.Decompose"/>) say which marginal rows cover a range; the daily rows are read by day.
/// </summary>
public sealed class RollupReader(SqliteConnection connection, IReadOnlyDictionary<int, string> filters, string? stepType, bool preSummed = true)
{
    private static readonly Dictionary<int, string> Columns = new()
    {
        [RollupCombo.Channel] = "Channel", [RollupCombo.Workflow] = "WorkflowId", [RollupCombo.Rule] = "RuleId", [RollupCombo.FileType] = "FileType",
    };

    private int FilterBits => filters.Keys.Aggregate(0, (a, b) => a | b);

    public async Task<List<OutcomeSlice>> OutcomesAsync(int group, IReadOnlyList<(string Grain, DateOnly Start)> slots, bool files, CancellationToken ct)
    {
        var combo = FilterBits | group;
        var prefix = files ? "File" : "Job";
        var sums = string.Join(", ", new[] { "Pass", "Fixed", "Warn", "Fail", "Other" }.Select(c => $"SUM({prefix}{c})"));
        var groupColumn = group == 0 ? "''" : Columns[group];
        var list = new List<OutcomeSlice>();
        foreach (var (sql, grain) in Statements(combo, RollupCombo.MaxDimensions, slots,
                     marginal: $"SELECT Start, {groupColumn}, {sums} FROM RollupOutcomeMarginals WHERE Combo = {combo} AND {{slots}}{{filters}} GROUP BY Start, {groupColumn}",
                     daily: $"SELECT Day, {groupColumn}, {sums} FROM RollupOutcomes WHERE {{days}}{{filters}} AND FileType {((combo & RollupCombo.FileType) != 0 ? "<>" : "=")} '*' GROUP BY Day, {groupColumn}"))
        {
            await using var command = Command(sql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var start = DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture);
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
        var extra = (stepType is null ? "" : " AND StepType = $step") + (kind is null ? "" : " AND Kind = $kind");
        var list = new List<StepSlice>();
        var maxDimensions = RollupCombo.MaxStepDimensions(typed, kind, combo);
        foreach (var (sql, grain) in Statements(combo, maxDimensions, slots,
                     marginal: $"SELECT Start, {groupColumn}, StepType, Kind, Count, Buckets FROM RollupStepMarginals WHERE Combo = {combo} AND {{slots}}{{filters}}{extra}",
                     daily: $"SELECT Day, {groupColumn}, StepType, Kind, Count, Buckets FROM RollupSteps WHERE {{days}}{{filters}}{extra}"))
        {
            await using var command = Command(sql);
            if (stepType is not null) command.Parameters.AddWithValue("$step", stepType);
            if (kind is not null) command.Parameters.AddWithValue("$kind", kind);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var start = DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture);
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
        var extra = stepType is null ? "" : " AND StepType = $step";
        var sums = new Dictionary<(string, string), long>();
        foreach (var (sql, _) in Statements(combo, RollupCombo.MaxTypedDimensions, slots,
                     marginal: $"SELECT Reason, Severity, SUM(Count) FROM RollupReasonMarginals WHERE Combo = {combo} AND {{slots}}{{filters}}{extra} GROUP BY Reason, Severity",
                     daily: $"SELECT Reason, Severity, SUM(Count) FROM RollupReasons WHERE {{days}}{{filters}}{extra} GROUP BY Reason, Severity"))
        {
            await using var command = Command(sql);
            if (stepType is not null) command.Parameters.AddWithValue("$step", stepType);
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
    /// rows of the days the slots cover (a contiguous range: the caller keeps only the covered days).
    /// </summary>
    private IEnumerable<(string Sql, string? Grain)> Statements(int combo, int maxDimensions, IReadOnlyList<(string Grain, DateOnly Start)> slots, string marginal, string daily)
    {
        if (slots.Count == 0) yield break;
        var filterSql = new StringBuilder();
        foreach (var (bit, _) in filters) filterSql.Append($" AND {Columns[bit]} = $f{bit}");
        if (preSummed && RollupCombo.Dimensions(combo) <= maxDimensions)
        {
            foreach (var grain in slots.Select(s => s.Grain).Distinct())
            {
                var starts = string.Join(", ", slots.Where(s => s.Grain == grain).Select(s => $"'{RollupDelta.Date(s.Start)}'"));
                yield return (marginal.Replace("{slots}", $"Grain = '{grain}' AND Start IN ({starts})").Replace("{filters}", filterSql.ToString()), grain);
            }
            yield break;
        }
        var first = slots.Min(s => s.Start);
        var last = slots.Max(s => RollupGrain.End(s.Grain, s.Start));
        yield return (daily.Replace("{days}", $"Day >= '{RollupDelta.Date(first)}' AND Day <= '{RollupDelta.Date(last)}'").Replace("{filters}", filterSql.ToString()), null);
    }

    private static bool Covers(IReadOnlyList<(string Grain, DateOnly Start)> slots, DateOnly day) =>
        slots.Any(s => day >= s.Start && day <= RollupGrain.End(s.Grain, s.Start));

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (bit, value) in filters) command.Parameters.AddWithValue("$f" + bit, value);
        return command;
    }
}
