using Filecheck.Dashboard.History.Data;
using Microsoft.EntityFrameworkCore;
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
        var tasks = db.ChangeTracker.Entries<TaskRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .ToLookup(t => t.JobId, StringComparer.Ordinal);
        var steps = db.ChangeTracker.Entries<StepRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
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

    public async Task ApplyAsync(HistoryDbContext db, CancellationToken ct)
    {
        foreach (var (k, d) in _outcomes)
        {
            if (d.All(v => v == 0)) continue;
            var row = await db.Set<OutcomeRollup>().FindAsync([k.Day, k.Channel, k.WorkflowId, k.RuleId, k.FileType], ct);
            if (row is null)
            {
                row = new OutcomeRollup { Day = k.Day, Channel = k.Channel, WorkflowId = k.WorkflowId, RuleId = k.RuleId, FileType = k.FileType };
                db.Set<OutcomeRollup>().Add(row);
            }
            row.JobPass += d[0]; row.JobFixed += d[1]; row.JobWarn += d[2]; row.JobFail += d[3]; row.JobOther += d[4];
            row.FilePass += d[5]; row.FileFixed += d[6]; row.FileWarn += d[7]; row.FileFail += d[8]; row.FileOther += d[9];
            if (row.IsEmpty) db.Set<OutcomeRollup>().Remove(row);
        }
        foreach (var (k, d) in _steps)
        {
            if (d.Count == 0 && d.Sum == 0 && !d.Buckets.Counts.Any()) continue;
            var dims = k.Dims;
            var row = await db.Set<StepRollup>().FindAsync([dims.Day, dims.Channel, dims.WorkflowId, dims.RuleId, dims.FileType, k.StepType, k.Kind], ct);
            var buckets = row is null ? new DurationBuckets() : DurationBuckets.FromBytes(row.Buckets);
            buckets.Merge(d.Buckets);
            if (row is null)
            {
                row = new StepRollup
                {
                    Day = dims.Day, Channel = dims.Channel, WorkflowId = dims.WorkflowId, RuleId = dims.RuleId, FileType = dims.FileType,
                    StepType = k.StepType, Kind = k.Kind, Buckets = [],
                };
                db.Set<StepRollup>().Add(row);
            }
            row.Count += d.Count;
            row.SumMs += d.Sum;
            row.Buckets = buckets.ToBytes();
            row.MinMs = buckets.Min ?? 0;
            row.MaxMs = buckets.Max ?? 0;
            if (row.Count == 0 && buckets.IsEmpty) db.Set<StepRollup>().Remove(row);
        }
        foreach (var (k, d) in _reasons)
        {
            if (d == 0) continue;
            var dims = k.Dims;
            var row = await db.Set<ReasonRollup>().FindAsync([dims.Day, dims.Channel, dims.WorkflowId, dims.RuleId, dims.FileType, k.StepType, k.Severity, k.Reason], ct);
            if (row is null)
            {
                row = new ReasonRollup
                {
                    Day = dims.Day, Channel = dims.Channel, WorkflowId = dims.WorkflowId, RuleId = dims.RuleId, FileType = dims.FileType,
                    StepType = k.StepType, Severity = k.Severity, Reason = k.Reason,
                };
                db.Set<ReasonRollup>().Add(row);
            }
            row.Count += d;
            if (row.Count == 0) db.Set<ReasonRollup>().Remove(row);
        }
    }
}
