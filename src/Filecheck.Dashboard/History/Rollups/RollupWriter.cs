using Filecheck.Dashboard.History.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Filecheck.Dashboard.History.Rollups;

/// <summary>The zone whose days the rollups count in (<c>Trends:TimeZone</c>; UTC unless the trends feature says otherwise).</summary>
public sealed record RollupZone(TimeZoneInfo Zone)
{
    public static readonly RollupZone Utc = new(TimeZoneInfo.Utc);
}

/// <summary>
/// Keeps the rollups in step with the history, inside the write's own transaction: for every job the write added or
/// changed, it takes away what the job added before (its stored <see cref="RollupJob"/>) and adds what it adds now.
/// Details the write did not replace (a list update, retention pruning the steps) are kept from before, so rollups
/// outlive step-detail retention.
/// </summary>
public sealed class RollupWriter(RollupZone zone)
{
    private long _ticks;

    public TimeZoneInfo Zone => zone.Zone;

    /// <summary>Time spent keeping the rollups (what the benchmark reports as their cost per save).</summary>
    public TimeSpan Spent => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Called once per write transaction, after the work and before <c>SaveChanges</c>.</summary>
    public async Task ApplyAsync(HistoryDbContext db, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await ApplyCoreAsync(db, ct);
        }
        finally
        {
            Interlocked.Add(ref _ticks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
        }
    }

    private async Task ApplyCoreAsync(HistoryDbContext db, CancellationToken ct)
    {
        var jobs = db.ChangeTracker.Entries<JobRecord>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList();
        if (jobs.Count == 0) return;
        var ids = jobs.Select(e => e.Entity.Id).ToList();
        var stored = await db.Set<RollupJob>().Where(r => ids.Contains(r.JobId)).ToDictionaryAsync(r => r.JobId, StringComparer.Ordinal, ct);
        // A full save leaves every task and step row of its job tracked (added, modified or unchanged); removed ones are deleted.
        var tasks = db.ChangeTracker.Entries<TaskRecord>().Where(e => e.State is not (EntityState.Deleted or EntityState.Detached)).Select(e => e.Entity)
            .ToLookup(t => t.JobId, StringComparer.Ordinal);
        var steps = db.ChangeTracker.Entries<StepRecord>().Where(e => e.State is not (EntityState.Deleted or EntityState.Detached)).Select(e => e.Entity)
            .ToLookup(s => s.JobId, StringComparer.Ordinal);

        var delta = new RollupDelta();
        foreach (var entry in jobs)
        {
            var row = entry.Entity;
            var before = stored.GetValueOrDefault(row.Id);
            var old = JobContribution.FromJson(before?.Contribution);
            var details = DetailsReplaced(entry, tasks.Contains(row.Id))
                ? JobContribution.Details(tasks[row.Id], steps[row.Id], () => JobBody.Deserialize(row.Body))
                : old;
            var now = JobContribution.For(row, details, zone.Zone);
            var json = now.ToJson();
            if (before is not null && before.Contribution == json) continue;
            delta.Add(old, -1);
            delta.Add(now, +1);
            if (before is null) db.Set<RollupJob>().Add(new RollupJob { JobId = row.Id, Contribution = json });
            else before.Contribution = json;
        }
        await delta.ApplyAsync(db, ct);
    }

    /// <summary>A full save replaced the tasks and steps; a list update, a refresh mark or pruning did not.</summary>
    private static bool DetailsReplaced(EntityEntry<JobRecord> entry, bool tasksAdded)
    {
        if (tasksAdded) return true;
        if (!entry.Entity.HasDetails) return false;
        if (entry.State == EntityState.Added) return true;
        return entry.Property(j => j.Body).IsModified || !entry.Property(j => j.HasDetails).OriginalValue;
    }
}

/// <summary>
/// Counts to add to (or take from) each daily rollup row, gathered first so each row is read and written once, and the
/// same counts summed into the marginal rows (<see cref="RollupCombo"/>, <see cref="RollupGrain"/>) they belong to.
/// </summary>
public sealed class RollupDelta
{
    private readonly record struct DimKey(DateOnly Day, string Channel, string WorkflowId, string RuleId, string FileType);
    private readonly record struct StepKey(DimKey Dims, string StepType, string Kind);
    private readonly record struct ReasonKey(DimKey Dims, string StepType, string Severity, string Reason);
    private readonly record struct Slice(int Combo, string Grain, DateOnly Start, string Channel, string WorkflowId, string RuleId, string FileType);
    private readonly record struct SliceStep(Slice Slice, string StepType, string Kind);
    private readonly record struct SliceReason(Slice Slice, string StepType, string Severity, string Reason);

    private sealed class StepDelta
    {
        public long Count;
        public long Sum;
        public readonly Dictionary<int, long> Buckets = new();

        public void Add(long count, long sum, IEnumerable<KeyValuePair<int, long>> buckets)
        {
            Count += count;
            Sum += sum;
            foreach (var (i, c) in buckets) Buckets[i] = Buckets.GetValueOrDefault(i) + c;
        }

        public bool IsZero => Count == 0 && Sum == 0 && Buckets.Values.All(v => v == 0);
        public bool Shrinks => Count < 0 || Buckets.Values.Any(v => v < 0);
        public byte[] Bytes() => DurationBuckets.Encode(Buckets.OrderBy(b => b.Key));
    }

    private readonly Dictionary<DimKey, int[]> _outcomes = new();
    private readonly Dictionary<StepKey, StepDelta> _steps = new();
    private readonly Dictionary<ReasonKey, int> _reasons = new();

    public void Add(JobContribution c, int sign)
    {
        if (!c.Counted) return;
        DimKey Dims(string fileType) => new(c.Day, c.Channel, c.WorkflowId, c.RuleId, fileType);
        Outcome(Dims(OutcomeRollup.AllFileTypes), 0, Slot(c.Outcome), sign);
        foreach (var type in c.Files.Select(f => f.FileType).Distinct()) Outcome(Dims(type), 0, Slot(c.Outcome), sign);
        foreach (var file in c.Files)
        {
            Outcome(Dims(OutcomeRollup.AllFileTypes), 5, Slot(file.Outcome), sign);
            Outcome(Dims(file.FileType), 5, Slot(file.Outcome), sign);
        }
        foreach (var step in c.Steps)
        {
            Step(new StepKey(Dims(step.FileType), step.StepType, step.Kind)).Add(sign, sign * step.Ms, [new(DurationBuckets.IndexOf(step.Ms), sign)]);
        }
        foreach (var reason in c.Reasons)
        {
            var key = new ReasonKey(Dims(reason.FileType), reason.StepType, reason.Severity, reason.Reason);
            _reasons[key] = _reasons.GetValueOrDefault(key) + sign;
        }
    }

    /// <summary>A stored daily row, taken away (sign -1) before its day is counted again, or summed into marginals alone.</summary>
    public void Add(OutcomeRollup r, int sign)
    {
        int[] values = [r.JobPass, r.JobFixed, r.JobWarn, r.JobFail, r.JobOther, r.FilePass, r.FileFixed, r.FileWarn, r.FileFail, r.FileOther];
        var key = new DimKey(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType);
        for (var i = 0; i < values.Length; i++) Outcome(key, 0, i, sign * values[i]);
    }

    public void Add(StepRollup r, int sign) =>
        Step(new StepKey(new DimKey(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType), r.StepType, r.Kind))
            .Add(sign * r.Count, sign * r.SumMs, DurationBuckets.FromBytes(r.Buckets).Counts.Select(c => new KeyValuePair<int, long>(c.Key, sign * c.Value)));

    public void Add(ReasonRollup r, int sign)
    {
        var key = new ReasonKey(new DimKey(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType), r.StepType, r.Severity, r.Reason);
        _reasons[key] = _reasons.GetValueOrDefault(key) + sign * r.Count;
    }

    private StepDelta Step(StepKey key)
    {
        if (!_steps.TryGetValue(key, out var d)) _steps[key] = d = new StepDelta();
        return d;
    }

    private void Outcome(DimKey key, int offset, int slot, int count)
    {
        if (!_outcomes.TryGetValue(key, out var counts)) _outcomes[key] = counts = new int[10];
        counts[offset + slot] += count;
    }

    private static int Slot(string group) => group switch
    {
        OutcomeGroup.Pass => 0,
        OutcomeGroup.Fixed => 1,
        OutcomeGroup.Warn => 2,
        OutcomeGroup.Fail => 3,
        _ => 4,
    };

    private static IEnumerable<Slice> Slices(IReadOnlyList<int> combos, DimKey k, bool fileTypeKept)
    {
        foreach (var combo in combos)
        {
            if (((combo & RollupCombo.FileType) != 0) != fileTypeKept) continue;
            foreach (var grain in RollupGrain.All)
            {
                yield return new Slice(combo, grain, RollupGrain.Start(grain, k.Day), RollupCombo.Keep(combo, RollupCombo.Channel, k.Channel),
                    RollupCombo.Keep(combo, RollupCombo.Workflow, k.WorkflowId), RollupCombo.Keep(combo, RollupCombo.Rule, k.RuleId),
                    fileTypeKept ? k.FileType : RollupCombo.All);
            }
        }
    }

    /// <summary>
    /// Writes the deltas as upserts in the caller's transaction: counts add up in SQL, histograms merge through a SQLite
    /// function, so no rollup row is read into memory; rows that drop to nothing are deleted. The daily rows are left
    /// alone when <paramref name="daily"/> is false (a rebuild summing the stored days into new marginal tables).
    /// </summary>
    public async Task ApplyAsync(HistoryDbContext db, CancellationToken ct, bool daily = true)
    {
        if (_outcomes.Count == 0 && _steps.Count == 0 && _reasons.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        RegisterFunctions(connection);
        var transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();

        // Marginals: each daily change summed into every combination and grain it belongs to. A step's file type is always
        // known (a file has one), so both the kept-type and the all-types slices come from the same daily step rows.
        var outcomeSlices = new Dictionary<Slice, int[]>();
        foreach (var (k, d) in _outcomes)
        {
            if (d.All(v => v == 0)) continue;
            foreach (var slice in Slices(RollupCombo.Outcomes, k, k.FileType != OutcomeRollup.AllFileTypes))
            {
                if (!outcomeSlices.TryGetValue(slice, out var sum)) outcomeSlices[slice] = sum = new int[10];
                for (var i = 0; i < 10; i++) sum[i] += d[i];
            }
        }
        var stepSlices = new Dictionary<SliceStep, StepDelta>();
        foreach (var (k, d) in _steps)
        {
            if (d.IsZero) continue;
            foreach (var fileTypeKept in new[] { true, false })
            foreach (var slice in Slices(RollupCombo.Steps, k.Dims, fileTypeKept))
            {
                if (!RollupCombo.Keeps(slice.Combo, k.Kind)) continue;
                var key = new SliceStep(slice, (slice.Combo & RollupCombo.StepType) != 0 ? k.StepType : RollupCombo.All, k.Kind);
                if (!stepSlices.TryGetValue(key, out var sum)) stepSlices[key] = sum = new StepDelta();
                sum.Add(d.Count, d.Sum, d.Buckets);
            }
        }
        var reasonSlices = new Dictionary<SliceReason, int>();
        foreach (var (k, d) in _reasons)
        {
            if (d == 0) continue;
            foreach (var fileTypeKept in new[] { true, false })
            foreach (var slice in Slices(RollupCombo.Reasons, k.Dims, fileTypeKept))
            {
                var key = new SliceReason(slice, k.StepType, k.Severity, k.Reason);
                reasonSlices[key] = reasonSlices.GetValueOrDefault(key) + d;
            }
        }

        string[] counters = ["JobPass", "JobFixed", "JobWarn", "JobFail", "JobOther", "FilePass", "FileFixed", "FileWarn", "FileFail", "FileOther"];
        string[] dims = ["Day", "Channel", "WorkflowId", "RuleId", "FileType"];
        string[] sliceDims = ["Combo", "Grain", "Start", "Channel", "WorkflowId", "RuleId", "FileType"];
        static object[] DimValues(DimKey k) => [Date(k.Day), k.Channel, k.WorkflowId, k.RuleId, k.FileType];
        static object[] SliceValues(Slice s) => [s.Combo, s.Grain, Date(s.Start), s.Channel, s.WorkflowId, s.RuleId, s.FileType];

        if (daily)
        {
            await Counts(connection, transaction, "RollupOutcomes", dims, counters,
                _outcomes.Select(p => (DimValues(p.Key), p.Value)), ct);
            await Histograms(connection, transaction, "RollupSteps", [.. dims, "StepType", "Kind"],
                _steps.Select(p => ((object[])[.. DimValues(p.Key.Dims), p.Key.StepType, p.Key.Kind], p.Value)), ct);
            await Counts(connection, transaction, "RollupReasons", [.. dims, "StepType", "Severity", "Reason"], ["Count"],
                _reasons.Select(p => ((object[])[.. DimValues(p.Key.Dims), p.Key.StepType, p.Key.Severity, p.Key.Reason], new[] { p.Value })), ct);
        }
        await Counts(connection, transaction, "RollupOutcomeMarginals", sliceDims, counters,
            outcomeSlices.Select(p => (SliceValues(p.Key), p.Value)), ct);
        await Histograms(connection, transaction, "RollupStepMarginals", [.. sliceDims, "StepType", "Kind"],
            stepSlices.Select(p => ((object[])[.. SliceValues(p.Key.Slice), p.Key.StepType, p.Key.Kind], p.Value)), ct);
        await Counts(connection, transaction, "RollupReasonMarginals", [.. sliceDims, "StepType", "Severity", "Reason"], ["Count"],
            reasonSlices.Select(p => ((object[])[.. SliceValues(p.Key.Slice), p.Key.StepType, p.Key.Severity, p.Key.Reason], new[] { p.Value })), ct);
    }

    /// <summary>Counters added up per key; a row whose counters all reach zero is deleted.</summary>
    private static async Task Counts(SqliteConnection connection, SqliteTransaction? transaction, string table, string[] keys, string[] counters,
        IEnumerable<(object[] Key, int[] Values)> rows, CancellationToken ct)
    {
        using var upsert = Command(connection, transaction,
            $"INSERT INTO {table} ({string.Join(", ", keys)}, {string.Join(", ", counters)}) VALUES ({Params(keys.Length, "k")}, {Params(counters.Length, "v")}) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", counters.Select(c => $"{c} = {c} + excluded.{c}"))}");
        using var prune = Command(connection, transaction,
            $"DELETE FROM {table} WHERE {Where(keys)} AND {string.Join(" AND ", counters.Select(c => c + " = 0"))}");
        foreach (var (key, values) in rows)
        {
            if (values.All(v => v == 0)) continue;
            Set(upsert, key, "k");
            for (var i = 0; i < values.Length; i++) upsert.Parameters[i + key.Length].Value = values[i];
            await upsert.ExecuteNonQueryAsync(ct);
            if (values.Any(v => v < 0))
            {
                Set(prune, key, "k");
                await prune.ExecuteNonQueryAsync(ct);
            }
        }
    }

    /// <summary>Count, sum and histogram added up per key; a row left with nothing is deleted.</summary>
    private static async Task Histograms(SqliteConnection connection, SqliteTransaction? transaction, string table, string[] keys,
        IEnumerable<(object[] Key, StepDelta Delta)> rows, CancellationToken ct)
    {
        using var upsert = Command(connection, transaction,
            $"INSERT INTO {table} ({string.Join(", ", keys)}, Count, SumMs, Buckets) VALUES ({Params(keys.Length, "k")}, $v0, $v1, coalesce($v2, zeroblob(0))) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET Count = Count + excluded.Count, SumMs = SumMs + excluded.SumMs, " +
            // An empty histogram comes back from the function as NULL: store it as an empty blob.
            "Buckets = coalesce(fc_buckets_merge(Buckets, excluded.Buckets), zeroblob(0))");
        using var prune = Command(connection, transaction,
            $"DELETE FROM {table} WHERE {Where(keys)} AND Count = 0 AND SumMs = 0 AND coalesce(length(Buckets), 0) = 0");
        foreach (var (key, d) in rows)
        {
            if (d.IsZero) continue;
            Set(upsert, key, "k");
            upsert.Parameters[key.Length].Value = d.Count;
            upsert.Parameters[key.Length + 1].Value = d.Sum;
            upsert.Parameters[key.Length + 2].Value = d.Bytes();
            await upsert.ExecuteNonQueryAsync(ct);
            if (d.Shrinks)
            {
                Set(prune, key, "k");
                await prune.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static string Params(int count, string prefix) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"${prefix}{i}"));
    private static string Where(string[] keys) => string.Join(" AND ", keys.Select((k, i) => $"{k} = $k{i}"));

    private static void Set(SqliteCommand command, object[] key, string prefix)
    {
        for (var i = 0; i < key.Length; i++) command.Parameters["$" + prefix + i].Value = key[i];
    }

    /// <summary>The format EF Core gives DateOnly in SQLite, so EF's reads and these writes meet on one key.</summary>
    internal static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(sql, @"\$\w+"))
        {
            if (!command.Parameters.Contains(m.Value)) command.Parameters.Add(new SqliteParameter(m.Value, null));
        }
        command.Prepare();
        return command;
    }

    internal static void RegisterFunctions(SqliteConnection connection)
    {
        connection.CreateFunction<byte[]?, byte[]?, byte[]>("fc_buckets_merge",
            (stored, delta) => DurationBuckets.MergeBytes(stored ?? [], delta ?? []), isDeterministic: true);
    }
}
