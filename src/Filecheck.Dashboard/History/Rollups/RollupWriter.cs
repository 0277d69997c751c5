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

/// <summary>Counts to add to (or take from) each rollup row, gathered first so each row is read and written once.</summary>
public sealed class RollupDelta
{
    private readonly record struct DimKey(DateOnly Day, string Channel, string WorkflowId, string RuleId, string FileType);
    private readonly record struct StepKey(DimKey Dims, string StepType, string Kind);
    private readonly record struct ReasonKey(DimKey Dims, string StepType, string Severity, string Reason);

    private sealed class StepDelta
    {
        public long Count;
        public long Sum;
        public readonly DurationBuckets Buckets = new();
    }

    private readonly Dictionary<DimKey, int[]> _outcomes = new();
    private readonly Dictionary<StepKey, StepDelta> _steps = new();
    private readonly Dictionary<ReasonKey, int> _reasons = new();

    public void Add(JobContribution c, int sign)
    {
        if (!c.Counted) return;
        DimKey Dims(string fileType) => new(c.Day, c.Channel, c.WorkflowId, c.RuleId, fileType);
        Outcome(Dims(OutcomeRollup.AllFileTypes), 0, c.Outcome, sign);
        foreach (var type in c.Files.Select(f => f.FileType).Distinct()) Outcome(Dims(type), 0, c.Outcome, sign);
        foreach (var file in c.Files)
        {
            Outcome(Dims(OutcomeRollup.AllFileTypes), 5, file.Outcome, sign);
            Outcome(Dims(file.FileType), 5, file.Outcome, sign);
        }
        foreach (var step in c.Steps)
        {
            var key = new StepKey(Dims(step.FileType), step.StepType, step.Kind);
            if (!_steps.TryGetValue(key, out var d)) _steps[key] = d = new StepDelta();
            d.Count += sign;
            d.Sum += sign * step.Ms;
            d.Buckets.Add(step.Ms, sign);
        }
        foreach (var reason in c.Reasons)
        {
            var key = new ReasonKey(Dims(reason.FileType), reason.StepType, reason.Severity, reason.Reason);
            _reasons[key] = _reasons.GetValueOrDefault(key) + sign;
        }
    }

    private void Outcome(DimKey key, int offset, string group, int sign)
    {
        if (!_outcomes.TryGetValue(key, out var counts)) _outcomes[key] = counts = new int[10];
        counts[offset + Slot(group)] += sign;
    }

    private static int Slot(string group) => group switch
    {
        OutcomeGroup.Pass => 0,
        OutcomeGroup.Fixed => 1,
        OutcomeGroup.Warn => 2,
        OutcomeGroup.Fail => 3,
        _ => 4,
    };

    /// <summary>
    /// Writes the deltas as upserts in the caller's transaction: counts add up in SQL, histograms merge through a SQLite
    /// function, so no rollup row is read into memory; rows that drop to nothing are deleted.
    /// </summary>
    public async Task ApplyAsync(HistoryDbContext db, CancellationToken ct)
    {
        if (_outcomes.Count == 0 && _steps.Count == 0 && _reasons.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        RegisterFunctions(connection);
        var transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();

        const string dims = "Day, Channel, WorkflowId, RuleId, FileType";
        const string dimValues = "$day, $channel, $workflow, $rule, $filetype";
        const string dimWhere = "Day = $day AND Channel = $channel AND WorkflowId = $workflow AND RuleId = $rule AND FileType = $filetype";
        string[] counters = ["JobPass", "JobFixed", "JobWarn", "JobFail", "JobOther", "FilePass", "FileFixed", "FileWarn", "FileFail", "FileOther"];

        using (var upsert = Command(connection, transaction,
                   $"INSERT INTO RollupOutcomes ({dims}, {string.Join(", ", counters)}) VALUES ({dimValues}, {string.Join(", ", counters.Select((_, i) => "$v" + i))}) " +
                   $"ON CONFLICT ({dims}) DO UPDATE SET {string.Join(", ", counters.Select(c => $"{c} = {c} + excluded.{c}"))}"))
        using (var prune = Command(connection, transaction, $"DELETE FROM RollupOutcomes WHERE {dimWhere} AND {string.Join(" AND ", counters.Select(c => c + " = 0"))}"))
        {
            foreach (var (k, d) in _outcomes)
            {
                if (d.All(v => v == 0)) continue;
                SetDims(upsert, k);
                for (var i = 0; i < counters.Length; i++) upsert.Parameters["$v" + i].Value = d[i];
                await upsert.ExecuteNonQueryAsync(ct);
                if (d.Any(v => v < 0))
                {
                    SetDims(prune, k);
                    await prune.ExecuteNonQueryAsync(ct);
                }
            }
        }

        using (var upsert = Command(connection, transaction,
                   $"INSERT INTO RollupSteps ({dims}, StepType, Kind, Count, SumMs, MinMs, MaxMs, Buckets) VALUES ({dimValues}, $step, $kind, $count, $sum, $min, $max, coalesce($buckets, zeroblob(0))) " +
                   $"ON CONFLICT ({dims}, StepType, Kind) DO UPDATE SET Count = Count + excluded.Count, SumMs = SumMs + excluded.SumMs, " +
                   // An empty histogram comes back from the function as NULL: store it as an empty blob.
                   "Buckets = coalesce(fc_buckets_merge(Buckets, excluded.Buckets), zeroblob(0)), MinMs = fc_buckets_min(fc_buckets_merge(Buckets, excluded.Buckets)), " +
                   "MaxMs = fc_buckets_max(fc_buckets_merge(Buckets, excluded.Buckets))"))
        using (var prune = Command(connection, transaction, $"DELETE FROM RollupSteps WHERE {dimWhere} AND StepType = $step AND Kind = $kind AND Count = 0 AND SumMs = 0 AND coalesce(length(Buckets), 0) = 0"))
        {
            foreach (var (k, d) in _steps)
            {
                if (d.Count == 0 && d.Sum == 0 && !d.Buckets.Counts.Any()) continue;
                SetDims(upsert, k.Dims);
                upsert.Parameters["$step"].Value = k.StepType;
                upsert.Parameters["$kind"].Value = k.Kind;
                upsert.Parameters["$count"].Value = d.Count;
                upsert.Parameters["$sum"].Value = d.Sum;
                upsert.Parameters["$min"].Value = d.Buckets.Min ?? 0;
                upsert.Parameters["$max"].Value = d.Buckets.Max ?? 0;
                upsert.Parameters["$buckets"].Value = d.Buckets.ToBytes();
                await upsert.ExecuteNonQueryAsync(ct);
                if (d.Count < 0 || d.Buckets.Counts.Any(c => c.Value < 0))
                {
                    SetDims(prune, k.Dims);
                    prune.Parameters["$step"].Value = k.StepType;
                    prune.Parameters["$kind"].Value = k.Kind;
                    await prune.ExecuteNonQueryAsync(ct);
                }
            }
        }

        using (var upsert = Command(connection, transaction,
                   $"INSERT INTO RollupReasons ({dims}, StepType, Severity, Reason, Count) VALUES ({dimValues}, $step, $severity, $reason, $count) " +
                   $"ON CONFLICT ({dims}, StepType, Severity, Reason) DO UPDATE SET Count = Count + excluded.Count"))
        using (var prune = Command(connection, transaction, $"DELETE FROM RollupReasons WHERE {dimWhere} AND StepType = $step AND Severity = $severity AND Reason = $reason AND Count = 0"))
        {
            foreach (var (k, d) in _reasons)
            {
                if (d == 0) continue;
                foreach (var command in d < 0 ? new[] { upsert, prune } : [upsert])
                {
                    SetDims(command, k.Dims);
                    command.Parameters["$step"].Value = k.StepType;
                    command.Parameters["$severity"].Value = k.Severity;
                    command.Parameters["$reason"].Value = k.Reason;
                    if (command == upsert) command.Parameters["$count"].Value = d;
                    await command.ExecuteNonQueryAsync(ct);
                }
            }
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(sql, @"\$\w+"))
        {
            if (!command.Parameters.Contains(m.Value)) command.Parameters.Add(new SqliteParameter(m.Value, null));
        }
        return command;
    }

    private static void SetDims(SqliteCommand command, DimKey k)
    {
        // The format EF Core gives DateOnly in SQLite, so EF's reads and these writes meet on one key.
        command.Parameters["$day"].Value = k.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        command.Parameters["$channel"].Value = k.Channel;
        command.Parameters["$workflow"].Value = k.WorkflowId;
        command.Parameters["$rule"].Value = k.RuleId;
        command.Parameters["$filetype"].Value = k.FileType;
    }

    private static void RegisterFunctions(SqliteConnection connection)
    {
        connection.CreateFunction<byte[]?, byte[]?, byte[]>("fc_buckets_merge", (stored, delta) =>
        {
            var merged = DurationBuckets.FromBytes(stored ?? []);
            merged.AddBytes(delta ?? []);
            return merged.ToBytes();
        }, isDeterministic: true);
        connection.CreateFunction<byte[]?, double>("fc_buckets_min", b => DurationBuckets.FromBytes(b ?? []).Min ?? 0, isDeterministic: true);
        connection.CreateFunction<byte[]?, double>("fc_buckets_max", b => DurationBuckets.FromBytes(b ?? []).Max ?? 0, isDeterministic: true);
    }
}
