using System.Runtime.InteropServices;
using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>
/// Counts to add to (or take from) each daily rollup row, gathered first so each row is written once, and the same
/// counts summed into the marginal rows (<see cref="RollupCombo"/>, <see cref="RollupGrain"/>) they belong to.
/// </summary>
/// <remarks>Names are numbered once per delta, so the keys gathered and summed here are small structs of integers.</remarks>
public sealed class RollupDelta
{
    private readonly record struct DimKey(int Day, int Channel, int Workflow, int Rule, int FileType);
    private readonly record struct StepKey(DimKey Dims, int StepType, int Kind);
    private readonly record struct ReasonKey(DimKey Dims, int StepType, int Severity, int Reason);
    private readonly record struct Slice(int Combo, int Grain, int Start, int Channel, int Workflow, int Rule, int FileType);
    private readonly record struct SliceStep(Slice Slice, int StepType, int Kind);
    private readonly record struct SliceReason(Slice Slice, int StepType, int Severity, int Reason);

    /// <summary>Count, sum and bucket changes, the buckets as a list of (index, change) summed only when written: a slice adds up many.</summary>
    private sealed class StepDelta
    {
        public long Count;
        public long Sum;
        public readonly List<(int Index, long Count)> Buckets = [];
        private bool _encoded;
        private RollupUpserts.Histogram? _row;

        public void Add(StepDelta other)
        {
            Count += other.Count;
            Sum += other.Sum;
            Buckets.AddRange(other.Buckets);
            _encoded = false;
        }

        /// <summary>The change as a row to write (the buckets sorted and summed in place); null when it adds up to nothing.</summary>
        public RollupUpserts.Histogram? Encode()
        {
            if (_encoded) return _row;
            var span = CollectionsMarshal.AsSpan(Buckets);
            span.Sort(static (x, y) => x.Index.CompareTo(y.Index));
            var n = 0;
            var shrinks = Count < 0;
            foreach (var (index, count) in span)
            {
                if (n > 0 && span[n - 1].Index == index) span[n - 1].Count += count;
                else span[n++] = (index, count);
            }
            var kept = 0;
            for (var i = 0; i < n; i++)
            {
                if (span[i].Count == 0) continue;
                shrinks |= span[i].Count < 0;
                span[kept++] = span[i];
            }
            Buckets.RemoveRange(kept, Buckets.Count - kept);
            _encoded = true;
            _row = Count == 0 && Sum == 0 && kept == 0 ? null
                : new RollupUpserts.Histogram(Count, Sum, DurationBuckets.Encode(CollectionsMarshal.AsSpan(Buckets)), shrinks);
            return _row;
        }
    }

    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly int _all;
    private readonly Dictionary<DimKey, int[]> _outcomes = new();
    private readonly Dictionary<StepKey, StepDelta> _steps = new();
    private readonly Dictionary<ReasonKey, int> _reasons = new();

    public RollupDelta() => _all = Id(RollupCombo.All);

    private int Id(string name)
    {
        if (_ids.TryGetValue(name, out var id)) return id;
        _ids[name] = id = _names.Count;
        _names.Add(name);
        return id;
    }

    public void Add(JobContribution c, int sign)
    {
        if (!c.Counted) return;
        var day = c.Day.DayNumber;
        int channel = Id(c.Channel), workflow = Id(c.WorkflowId), rule = Id(c.RuleId);
        DimKey Dims(int fileType) => new(day, channel, workflow, rule, fileType);
        var outcome = Slot(c.Outcome);
        Outcome(Dims(_all), outcome, sign);
        var seen = new HashSet<int>();
        foreach (var file in c.Files)
        {
            var type = Id(file.FileType);
            if (seen.Add(type)) Outcome(Dims(type), outcome, sign);
        }
        foreach (var file in c.Files)
        {
            Outcome(Dims(_all), 5 + Slot(file.Outcome), sign);
            Outcome(Dims(Id(file.FileType)), 5 + Slot(file.Outcome), sign);
        }
        foreach (var step in c.Steps)
        {
            var d = Step(new StepKey(Dims(Id(step.FileType)), Id(step.StepType), Id(step.Kind)));
            d.Count += sign;
            d.Sum += sign * step.Ms;
            d.Buckets.Add((DurationBuckets.IndexOf(step.Ms), sign));
        }
        foreach (var reason in c.Reasons)
        {
            var key = new ReasonKey(Dims(Id(reason.FileType)), Id(reason.StepType), Id(reason.Severity), Id(reason.Reason));
            _reasons[key] = _reasons.GetValueOrDefault(key) + sign;
        }
    }

    private DimKey Dims(DateOnly day, string channel, string workflow, string rule, string fileType) =>
        new(day.DayNumber, Id(channel), Id(workflow), Id(rule), Id(fileType));

    /// <summary>A stored daily row, taken away (sign -1) before its day is counted again, or summed into marginals alone.</summary>
    public void Add(OutcomeRollup r, int sign)
    {
        int[] values = [r.JobPass, r.JobFixed, r.JobWarn, r.JobFail, r.JobOther, r.FilePass, r.FileFixed, r.FileWarn, r.FileFail, r.FileOther];
        var key = Dims(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType);
        for (var i = 0; i < values.Length; i++) Outcome(key, i, sign * values[i]);
    }

    public void Add(StepRollup r, int sign)
    {
        var d = Step(new StepKey(Dims(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType), Id(r.StepType), Id(r.Kind)));
        d.Count += sign * r.Count;
        d.Sum += sign * r.SumMs;
        foreach (var (i, c) in DurationBuckets.FromBytes(r.Buckets).Counts) d.Buckets.Add((i, sign * c));
    }

    public void Add(ReasonRollup r, int sign)
    {
        var key = new ReasonKey(Dims(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType), Id(r.StepType), Id(r.Severity), Id(r.Reason));
        _reasons[key] = _reasons.GetValueOrDefault(key) + sign * r.Count;
    }

    private StepDelta Step(StepKey key)
    {
        if (!_steps.TryGetValue(key, out var d)) _steps[key] = d = new StepDelta();
        return d;
    }

    private void Outcome(DimKey key, int slot, int count)
    {
        if (!_outcomes.TryGetValue(key, out var counts)) _outcomes[key] = counts = new int[10];
        counts[slot] += count;
    }

    private static int Slot(string group) => group switch
    {
        OutcomeGroup.Pass => 0,
        OutcomeGroup.Fixed => 1,
        OutcomeGroup.Warn => 2,
        OutcomeGroup.Fail => 3,
        _ => 4,
    };

    // The combinations a daily row feeds, by whether they keep its file type (index 1) or sum over it (index 0), worked out once.
    private static readonly int[][] OutcomeCombos = ByFileType(RollupCombo.Outcomes);
    private static readonly int[][] ReasonCombos = ByFileType(RollupCombo.Reasons);
    private static readonly int[][] DurationCombos = ByFileType(RollupCombo.Steps.Where(c => RollupCombo.Keeps(c, StepRollup.Duration)).ToList());
    private static readonly int[][] WaitCombos = ByFileType(RollupCombo.Steps.Where(c => RollupCombo.Keeps(c, StepRollup.Wait)).ToList());

    private static int[][] ByFileType(IReadOnlyList<int> combos) =>
        [[.. combos.Where(c => (c & RollupCombo.FileType) == 0)], [.. combos.Where(c => (c & RollupCombo.FileType) != 0)]];

    /// <summary>The day-grain slice of a daily row in one combination; the file type kept, or <c>*</c>.</summary>
    private Slice DaySlice(int combo, DimKey k) =>
        new(combo, 0, k.Day, Keep(combo, RollupCombo.Channel, k.Channel), Keep(combo, RollupCombo.Workflow, k.Workflow),
            Keep(combo, RollupCombo.Rule, k.Rule), Keep(combo, RollupCombo.FileType, k.FileType));

    private int Keep(int combo, int bit, int value) => (combo & bit) != 0 ? value : _all;

    /// <summary>The week and month slices of a day slice (the day's own is the first).</summary>
    private static IEnumerable<Slice> Grains(Slice day)
    {
        for (var g = 0; g < RollupGrain.All.Count; g++) yield return Grain(day, g);
    }

    private static Slice Grain(Slice day, int grain) =>
        grain == 0 ? day : day with { Grain = grain, Start = RollupGrain.Start(RollupGrain.All[grain], DateOnly.FromDayNumber(day.Start)).DayNumber };

    /// <summary>Sums the day-grain values into their week and month rows too.</summary>
    private static Dictionary<TKey, TValue> WithGrains<TKey, TValue>(Dictionary<TKey, TValue> days, Func<TKey, Slice> slice, Func<TKey, Slice, TKey> with,
        Func<TValue> empty, Action<TValue, TValue> add) where TKey : notnull
    {
        var all = new Dictionary<TKey, TValue>(days.Count * 3);
        foreach (var (key, value) in days)
        {
            foreach (var s in Grains(slice(key)))
            {
                var k = with(key, s);
                if (!all.TryGetValue(k, out var sum)) all[k] = sum = empty();
                add(sum, value);
            }
        }
        return all;
    }

    /// <summary>
    /// Writes the deltas in the caller's transaction (<see cref="RollupUpserts"/>), each touched row once: counts add up in
    /// SQL, histograms merge through a SQLite function, so no rollup row is read into memory; rows that drop to nothing
    /// are deleted. The daily rows are left alone when <paramref name="daily"/> is false (a rebuild summing the stored
    /// days into new marginal tables).
    /// </summary>
    public async Task ApplyAsync(DashboardDbContext db, CancellationToken ct, bool daily = true)
    {
        if (_outcomes.Count == 0 && _steps.Count == 0 && _reasons.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);

        // Marginals: each daily change summed into every combination it belongs to, per day, then each day into its week and month.
        // A step's file type is always known (a file has one), so both the kept-type and the all-types slices come from the same daily step rows.
        var outcomeDays = new Dictionary<Slice, int[]>();
        foreach (var (k, d) in _outcomes)
        {
            if (Array.TrueForAll(d, v => v == 0)) continue;
            foreach (var combo in OutcomeCombos[k.FileType != _all ? 1 : 0])
            {
                var slice = DaySlice(combo, k);
                if (!outcomeDays.TryGetValue(slice, out var sum)) outcomeDays[slice] = sum = new int[10];
                for (var i = 0; i < 10; i++) sum[i] += d[i];
            }
        }
        var stepDays = new Dictionary<SliceStep, StepDelta>();
        foreach (var (k, d) in _steps)
        {
            if (d.Count == 0 && d.Sum == 0 && d.Buckets.TrueForAll(b => b.Count == 0)) continue;
            var combos = _names[k.Kind] == StepRollup.Duration ? DurationCombos : WaitCombos;
            foreach (var combo in combos.SelectMany(c => c))
            {
                var slice = DaySlice(combo, k.Dims);
                var key = new SliceStep(slice, (slice.Combo & RollupCombo.StepType) != 0 ? k.StepType : _all, k.Kind);
                if (!stepDays.TryGetValue(key, out var sum)) stepDays[key] = sum = new StepDelta();
                sum.Add(d);
            }
        }
        var reasonDays = new Dictionary<SliceReason, int[]>();
        foreach (var (k, d) in _reasons)
        {
            if (d == 0) continue;
            foreach (var combo in ReasonCombos.SelectMany(c => c))
            {
                var slice = DaySlice(combo, k.Dims);
                var key = new SliceReason(slice, k.StepType, k.Severity, k.Reason);
                if (!reasonDays.TryGetValue(key, out var sum)) reasonDays[key] = sum = new int[1];
                sum[0] += d;
            }
        }
        var outcomeSlices = WithGrains(outcomeDays, k => k, (_, s) => s, () => new int[10], AddCounts);
        var reasonSlices = WithGrains(reasonDays, k => k.Slice, (k, s) => k with { Slice = s }, () => new int[1], AddCounts);

        string[] counters = ["JobPass", "JobFixed", "JobWarn", "JobFail", "JobOther", "FilePass", "FileFixed", "FileWarn", "FileFail", "FileOther"];
        string[] dims = ["Day", "Channel", "WorkflowId", "RuleId", "FileType"];
        string[] sliceDims = ["Combo", "Grain", "Start", "Channel", "WorkflowId", "RuleId", "FileType"];
        var upserts = RollupUpserts.For(db);
        if (daily)
        {
            await upserts.CountsAsync("RollupOutcomes", dims, counters, _outcomes, BindDims, ct);
            await upserts.HistogramsAsync("RollupSteps", [.. dims, "StepType", "Kind"], Histograms(_steps), (s, k) =>
            {
                BindDims(s, k.Dims);
                s.Bind(6, _names[k.StepType]);
                s.Bind(7, _names[k.Kind]);
            }, ct);
            await upserts.CountsAsync("RollupReasons", [.. dims, "StepType", "Severity", "Reason"], ["Count"],
                _reasons.Select(p => KeyValuePair.Create(p.Key, new[] { p.Value })), (s, k) =>
                {
                    BindDims(s, k.Dims);
                    s.Bind(6, _names[k.StepType]);
                    s.Bind(7, _names[k.Severity]);
                    s.Bind(8, _names[k.Reason]);
                }, ct);
        }
        await upserts.CountsAsync("RollupOutcomeMarginals", sliceDims, counters, outcomeSlices, BindSlice, ct);
        await upserts.HistogramsAsync("RollupStepMarginals", [.. sliceDims, "StepType", "Kind"], StepRows(stepDays), (s, k) =>
        {
            BindSlice(s, k.Slice);
            s.Bind(8, _names[k.StepType]);
            s.Bind(9, _names[k.Kind]);
        }, ct);
        await upserts.CountsAsync("RollupReasonMarginals", [.. sliceDims, "StepType", "Severity", "Reason"], ["Count"], reasonSlices, (s, k) =>
        {
            BindSlice(s, k.Slice);
            s.Bind(8, _names[k.StepType]);
            s.Bind(9, _names[k.Severity]);
            s.Bind(10, _names[k.Reason]);
        }, ct);
        await upserts.FlushAsync(ct);
    }

    private static void AddCounts(int[] sum, int[] values)
    {
        for (var i = 0; i < sum.Length; i++) sum[i] += values[i];
    }

    private static IEnumerable<KeyValuePair<TKey, RollupUpserts.Histogram>> Histograms<TKey>(Dictionary<TKey, StepDelta> deltas) where TKey : notnull
    {
        foreach (var (key, delta) in deltas)
        {
            var encoded = delta.Encode();
            if (encoded is { } row) yield return KeyValuePair.Create(key, row);
        }
    }

    /// <summary>
    /// The day slices' rows, then their weeks' and months': a week or month one day of the batch fell in (the common case)
    /// writes that day's change again, encoded once.
    /// </summary>
    private static IEnumerable<KeyValuePair<SliceStep, RollupUpserts.Histogram>> StepRows(Dictionary<SliceStep, StepDelta> days)
    {
        foreach (var row in Histograms(days)) yield return row;
        for (var grain = 1; grain < RollupGrain.All.Count; grain++)
        {
            var sums = new Dictionary<SliceStep, List<StepDelta>>();
            foreach (var (key, delta) in days)
            {
                var k = key with { Slice = Grain(key.Slice, grain) };
                if (!sums.TryGetValue(k, out var list)) sums[k] = list = [];
                list.Add(delta);
            }
            foreach (var (key, list) in sums)
            {
                var sum = list[0];
                if (list.Count > 1)
                {
                    sum = new StepDelta();
                    foreach (var d in list) sum.Add(d);
                }
                if (sum.Encode() is { } row) yield return KeyValuePair.Create(key, row);
            }
        }
    }

    private void BindDims(IRowBinder s, DimKey k)
    {
        s.Bind(1, DateText(k.Day));
        s.Bind(2, _names[k.Channel]);
        s.Bind(3, _names[k.Workflow]);
        s.Bind(4, _names[k.Rule]);
        s.Bind(5, _names[k.FileType]);
    }

    private void BindSlice(IRowBinder s, Slice k)
    {
        s.Bind(1, k.Combo);
        s.Bind(2, RollupGrain.All[k.Grain]);
        s.Bind(3, DateText(k.Start));
        s.Bind(4, _names[k.Channel]);
        s.Bind(5, _names[k.Workflow]);
        s.Bind(6, _names[k.Rule]);
        s.Bind(7, _names[k.FileType]);
    }

    private readonly Dictionary<int, string> _dates = new();

    private string DateText(int dayNumber)
    {
        if (!_dates.TryGetValue(dayNumber, out var text)) _dates[dayNumber] = text = Date(DateOnly.FromDayNumber(dayNumber));
        return text;
    }

    /// <summary>The format EF Core gives DateOnly in SQLite, so EF's reads and these writes meet on one key.</summary>
    internal static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
