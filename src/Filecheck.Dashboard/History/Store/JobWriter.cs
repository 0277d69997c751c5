using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Writes jobs into the history: full jobs (lookups, webhooks, the sync's details), pages of the job list, refresh marks
/// and the pruning of old step details. Every write is idempotent: saving the same job again never adds a row, and an
/// older answer arriving after a newer one (concurrent fetches) never rolls a job back.
/// </summary>
public sealed class JobWriter(HistoryWriter writer, TimeProvider clock, ILogger<JobWriter> logger)
{
    /// <summary>Saves a job read in full (<c>GET /jobs/{id}</c>): its row, its tasks and steps (replaced), a snapshot on change.</summary>
    public Task<HistoryWrite> SaveJobAsync(Job job, string source, CancellationToken ct = default) =>
        SaveJobsAsync([job], source, ct);

    /// <summary>Several full jobs in one transaction (the sync's detail batches).</summary>
    public async Task<HistoryWrite> SaveJobsAsync(IReadOnlyList<Job> jobs, string source, CancellationToken ct = default)
    {
        return await writer.WriteAsync(db => WriteJobsAsync(db, jobs, source, ct), ct);
    }

    /// <summary>
    /// Everything saving full jobs changes, inside the one write transaction: job rows, tasks, steps and snapshots.
    /// Anything that must stay in step with those rows is written here too, so it commits or rolls back with them.
    /// </summary>
    private async Task<HistoryWrite> WriteJobsAsync(DashboardDbContext db, IReadOnlyList<Job> jobs, string source, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var batch = Newest(jobs);
        // Several writers (PostgreSQL): an older answer cannot overwrite a newer one saved between this read and this write.
        await db.LockJobsAsync(batch.Keys, ct);
        var existing = await Existing(db, batch.Keys, ct);
        var total = default(HistoryWrite);
        foreach (var job in batch.Values)
        {
            total += await ApplyFullAsync(db, job, existing.GetValueOrDefault(job.Id), source, now, ct);
        }
        return total;
    }

    /// <summary>
    /// Upserts one page of lean list entries and, in the same transaction, the sync's cursor, so that a process killed
    /// between two pages resumes exactly after the last page it stored.
    /// </summary>
    public Task<HistoryWrite> SaveListPageAsync(IReadOnlyList<Job> lean, Action<SyncStateRecord>? updateState, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var batch = Newest(lean);
            await db.LockJobsAsync(batch.Keys, ct);
            var existing = await Existing(db, batch.Keys, ct);
            var total = default(HistoryWrite);
            foreach (var job in batch.Values)
            {
                total += ApplyLean(db, job, existing.GetValueOrDefault(job.Id), now);
            }
            if (updateState is not null) updateState(await SyncStateStore.RowAsync(db, ct));
            return total;
        }, ct);

    /// <summary>An authenticated webhook named the job but Filecheck could not be asked: let the sync fetch it.</summary>
    public Task MarkForRefreshAsync(string jobId, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var row = await db.Jobs.FirstOrDefaultAsync(j => j.Id == jobId, ct);
            if (row is not null)
            {
                row.HasDetails = false;
                row.IsTerminal = false; // re-checked as a running job until a fetch says otherwise
            }
            return 0;
        }, ct);

    /// <summary>Removes step details (tasks, steps, and the steps inside the body) of jobs created before <paramref name="createdBefore"/>; the job rows stay.</summary>
    public Task<int> PruneStepDetailsAsync(DateTimeOffset createdBefore, int batchSize = 500, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var rows = await db.Jobs
                .Where(j => j.CreatedAt < createdBefore && j.StepsPrunedAt == null && j.IsTerminal)
                .OrderBy(j => j.CreatedAt).Take(batchSize).ToListAsync(ct);
            if (rows.Count == 0) return 0;
            var ids = rows.Select(r => r.Id).ToList();
            await db.Steps.Where(s => ids.Contains(s.JobId)).ExecuteDeleteAsync(ct);
            foreach (var row in rows)
            {
                row.StepsPrunedAt = now;
                row.HasDetails = false;
                if (JobBody.Deserialize(row.Body) is { } job)
                {
                    row.BodyVersion = JobRecord.NewBodyVersion();
                    row.Body = JobBody.Serialize(job with
                    {
                        Results = null,
                        Tasks = job.Tasks?.Select(t => t with { Steps = [] }).ToArray(),
                    });
                }
            }
            return rows.Count;
        }, ct);

    /// <summary>One entry per job: when a batch names a job twice, the newest state wins.</summary>
    private static Dictionary<string, Job> Newest(IReadOnlyList<Job> jobs)
    {
        var batch = new Dictionary<string, Job>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!batch.TryGetValue(job.Id, out var seen) || !IsOlder(job, seen.ModifiedAt)) batch[job.Id] = job;
        }
        return batch;
    }

    private static async Task<Dictionary<string, JobRecord>> Existing(DashboardDbContext db, IEnumerable<string> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        return await db.Jobs.Where(j => list.Contains(j.Id)).ToDictionaryAsync(j => j.Id, StringComparer.Ordinal, ct);
    }

    private static bool IsOlder(Job job, DateTimeOffset? stored) =>
        job.ModifiedAt is { } m && stored is { } s && m < s;

    private async Task<HistoryWrite> ApplyFullAsync(DashboardDbContext db, Job job, JobRecord? row, string source, DateTimeOffset now, CancellationToken ct)
    {
        if (row is not null && IsOlder(job, row.ModifiedAt))
        {
            // A slower, older answer: the store already holds a newer state.
            return default;
        }
        var body = JobBody.Serialize(job);
        var added = 0;
        var changed = 0;
        var snapshots = 0;
        if (row is null)
        {
            row = new JobRecord { Id = job.Id, Body = body, FirstSeenAt = now };
            db.Jobs.Add(row);
            added = 1;
            snapshots += Snapshot(db, job, source, now);
        }
        else
        {
            if (row.Status != job.Status || row.Outcome != job.Outcome) snapshots += Snapshot(db, job, source, now);
            if (row.HasDetails && row.Body == body && row.IsTerminal == job.IsTerminal)
            {
                // Nothing new: only the fetch time moves (what the cache rule reads).
                row.LastFetchedAt = now;
                row.LastSeenAt = now;
                return new HistoryWrite(0, 0, snapshots);
            }
            changed = 1;
            row.Body = body;
            row.BodyVersion = JobRecord.NewBodyVersion();
        }

        Fetched(row, job, now);

        await ReconcileDetailsAsync(db, job, isNew: added == 1, ct);
        return new HistoryWrite(added, changed, snapshots);
    }

    /// <summary>The row of a job read in full (fields, details held, fetch times), shared with <see cref="HistoryBulkFill"/>.</summary>
    internal static void Fetched(JobRecord row, Job job, DateTimeOffset now)
    {
        CopyFields(row, job);
        row.FileCount = job.Tasks?.Count ?? 0;
        row.HasDetails = true;
        row.StepsPrunedAt = null;
        row.LastFetchedAt = now;
        row.LastSeenAt = now;
    }

    private static HistoryWrite ApplyLean(DashboardDbContext db, Job job, JobRecord? row, DateTimeOffset now)
    {
        if (row is null)
        {
            row = new JobRecord { Id = job.Id, Body = JobBody.Serialize(job), FirstSeenAt = now, LastSeenAt = now };
            CopyFields(row, job);
            db.Jobs.Add(row);
            return new HistoryWrite(1, 0, Snapshot(db, job, HistorySource.List, now));
        }
        row.LastSeenAt = now;
        if (IsOlder(job, row.ModifiedAt)) return default;
        var newer = job.ModifiedAt is { } m && (row.ModifiedAt is not { } s || m > s);
        var differs = row.Status != job.Status || row.Outcome != job.Outcome;
        if (!newer && !differs) return default;

        var snapshots = differs ? Snapshot(db, job, HistorySource.List, now) : 0;
        CopyFields(row, job);
        // The stored details describe an older state: keep them for a stale view until the sync fetches the new ones.
        row.HasDetails = false;
        if (row.LastFetchedAt is null)
        {
            row.Body = JobBody.Serialize(job);
            row.BodyVersion = JobRecord.NewBodyVersion();
        }
        return new HistoryWrite(0, 1, snapshots);
    }

    private static void CopyFields(JobRecord row, Job job)
    {
        row.CreatedAt = job.CreatedAt ?? row.CreatedAt;
        row.ModifiedAt = job.ModifiedAt ?? row.ModifiedAt;
        row.Status = job.Status;
        row.Outcome = job.Outcome;
        row.Channel = job.Channel ?? row.Channel;
        row.WorkflowId = job.WorkflowId ?? row.WorkflowId;
        row.RuleId = job.RuleId ?? row.RuleId;
        row.OrderId = job.OrderId ?? row.OrderId;
        row.CustomerId = job.CustomerId ?? row.CustomerId;
        row.CustomerEmail = job.CustomerEmail ?? row.CustomerEmail;
        row.CustomerEmailLower = row.CustomerEmail?.ToLowerInvariant();
        row.IsTerminal = job.IsTerminal;
    }

    private static int Snapshot(DashboardDbContext db, Job job, string source, DateTimeOffset now)
    {
        db.Snapshots.Add(SnapshotOf(job, source, now));
        return 1;
    }

    internal static JobSnapshot SnapshotOf(Job job, string source, DateTimeOffset now) =>
        new() { JobId = job.Id, Status = job.Status, Outcome = job.Outcome, SeenAt = now, Source = source };

    /// <summary>
    /// Brings the job's task and step rows to what the job says, writing only what changed: a running job polled every
    /// second changes one or two steps, so its other rows are left alone (and the write stays short). Every row of the
    /// job ends up tracked (unchanged, modified or added), which is what the rollups read the job's details from.
    /// </summary>
    private async Task ReconcileDetailsAsync(DashboardDbContext db, Job job, bool isNew, CancellationToken ct)
    {
        var (tasks, steps) = Rows(job, logger);
        if (isNew)
        {
            db.Tasks.AddRange(tasks);
            db.Steps.AddRange(steps);
            return;
        }
        var haveTasks = await db.Tasks.Where(t => t.JobId == job.Id).ToDictionaryAsync(t => t.Id, StringComparer.Ordinal, ct);
        var haveSteps = (await db.Steps.Where(s => s.JobId == job.Id).ToListAsync(ct)).ToDictionary(s => (s.TaskId, s.Id));
        foreach (var task in tasks)
        {
            if (haveTasks.Remove(task.Id, out var row)) db.Entry(row).CurrentValues.SetValues(task);
            else db.Tasks.Add(task);
        }
        foreach (var step in steps)
        {
            if (haveSteps.Remove((step.TaskId, step.Id), out var row)) db.Entry(row).CurrentValues.SetValues(step);
            else db.Steps.Add(step);
        }
        db.Steps.RemoveRange(haveSteps.Values);
        db.Tasks.RemoveRange(haveTasks.Values);
    }

    /// <summary>The job's task and step rows; a task or step listed twice keeps its first entry.</summary>
    internal static (List<TaskRecord> Tasks, List<StepRecord> Steps) Rows(Job job, ILogger logger)
    {
        var tasks = new List<TaskRecord>();
        var steps = new List<StepRecord>();
        var taskIds = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var task in job.Tasks ?? [])
        {
            if (!taskIds.Add(task.Id))
            {
                logger.LogWarning("Job {JobId} lists task {TaskId} twice; kept the first", job.Id, task.Id);
                continue;
            }
            tasks.Add(new TaskRecord
            {
                JobId = job.Id, Id = task.Id, Position = position++, Status = task.Status, Outcome = task.Outcome,
                FileType = task.FileType, MimeType = task.MimeType, FileName = task.Name,
            });
            var stepIds = new HashSet<string>(StringComparer.Ordinal);
            var stepPosition = 0;
            foreach (var step in task.Steps ?? [])
            {
                if (!stepIds.Add(step.Id)) continue;
                steps.Add(new StepRecord
                {
                    JobId = job.Id, TaskId = task.Id, Id = step.Id, Position = stepPosition++, Type = step.Type,
                    Status = step.Status, Outcome = step.Outcome, Reason = step.Reason, Started = step.Started,
                    Ended = step.Ended, DurationMs = step.Duration,
                });
            }
        }
        return (tasks, steps);
    }
}
