using Filecheck.Api.Models;
using Filecheck.Dashboard.History.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History;

/// <summary>A job as the store holds it.</summary>
/// <param name="LastFetchedAt">The last full fetch; null when the job was only seen in the list.</param>
public sealed record StoredJob(Job Job, bool IsTerminal, bool HasDetails, DateTimeOffset? LastFetchedAt, DateTimeOffset LastSeenAt);

/// <summary>What one write did: rows added, rows changed, status/outcome changes recorded.</summary>
public readonly record struct HistoryWrite(int Added, int Changed, int Snapshots)
{
    public static HistoryWrite operator +(HistoryWrite a, HistoryWrite b) =>
        new(a.Added + b.Added, a.Changed + b.Changed, a.Snapshots + b.Snapshots);
}

/// <summary>Counts the admin page shows.</summary>
public sealed record RecentLookup(string JobId, DateTimeOffset At, string? Status, string? Outcome, string? OrderId, string? CustomerEmail);

public sealed record HistoryCounts(int Jobs, int Terminal, int WithDetails, int DetailsPending, int Running, int Lookups);

/// <summary>Where a job's state came from.</summary>
public static class HistorySource
{
    public const string List = "list";
    public const string Details = "details";
    public const string Lookup = "lookup";
    public const string Webhook = "webhook";
}

/// <summary>
/// The one write path of the history. SQLite allows one writer, so every write goes through a single gate, in a
/// transaction (BEGIN IMMEDIATE), and is idempotent: saving the same job again never adds a row, and an older answer
/// arriving after a newer one (concurrent fetches) never rolls a job back.
/// </summary>
public sealed class HistoryStore(IDbContextFactory<HistoryDbContext> factory, TimeProvider clock, ILogger<HistoryStore> logger) : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _readyGate = new();
    private Task? _ready;

    /// <summary>Applies the migrations once per process (never EnsureCreated). Every other method awaits it.</summary>
    public Task EnsureReadyAsync(CancellationToken ct = default)
    {
        lock (_readyGate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled) _ready = MigrateAsync(ct);
            return _ready;
        }
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var path = db.Database.GetDbConnection().DataSource;
        if (!string.IsNullOrEmpty(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        // WAL is a property of the file: set it before the first table exists (the connection interceptor repeats it on open).
        await db.Database.OpenConnectionAsync(ct);
        await using (var wal = db.Database.GetDbConnection().CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(ct);
        }
        await using (await MigrationLock.AcquireAsync(db, logger, ct)) // a lock row left by a killed process would hang Migrate
            await db.Database.MigrateAsync(ct);
        logger.LogInformation("History store ready at {Path}", path);
    }

    // ---- reads ------------------------------------------------------------------------------------------------------

    public async Task<StoredJob?> GetJobAsync(string jobId, CancellationToken ct = default)
    {
        await EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (row is null || JobBody.Deserialize(row.Body) is not { } job) return null;
        return new StoredJob(job, row.IsTerminal, row.HasDetails, row.LastFetchedAt, row.LastSeenAt);
    }

    /// <summary>The jobs this user looked up most recently, newest first, each once.</summary>
    public async Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userName, int count = 8, CancellationToken ct = default)
    {
        await EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Ids grow with time; SQLite cannot order by DateTimeOffset.
        var lookups = await db.Lookups.AsNoTracking()
            .Where(l => l.UserName == userName && !l.Result.StartsWith("failed"))
            .OrderByDescending(l => l.Id).Take(count * 5)
            .Select(l => new { l.JobId, l.At })
            .ToListAsync(ct);
        var latest = lookups.DistinctBy(l => l.JobId).Take(count).ToList();
        var ids = latest.Select(l => l.JobId).ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id))
            .Select(j => new { j.Id, j.Status, j.Outcome, j.OrderId, j.CustomerEmail }).ToDictionaryAsync(j => j.Id, ct);
        return latest.Select(l => jobs.TryGetValue(l.JobId, out var j)
                ? new RecentLookup(l.JobId, l.At, j.Status, j.Outcome, j.OrderId, j.CustomerEmail)
                : new RecentLookup(l.JobId, l.At, null, null, null, null))
            .ToList();
    }

    /// <summary>
    /// Jobs whose details the sync should fetch: terminal ones without steps (newest first, never the pruned), then
    /// non-terminal ones last fetched before <paramref name="recheckBefore"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> PendingDetailsAsync(int max, DateTimeOffset recheckBefore, CancellationToken ct = default)
    {
        await EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var recheck = await db.Jobs.AsNoTracking()
            .Where(j => !j.IsTerminal && (j.LastFetchedAt == null || j.LastFetchedAt < recheckBefore))
            .OrderByDescending(j => j.CreatedAt).Select(j => j.Id).Take(max).ToListAsync(ct);
        var terminal = await db.Jobs.AsNoTracking()
            .Where(j => j.IsTerminal && !j.HasDetails && j.StepsPrunedAt == null)
            .OrderByDescending(j => j.CreatedAt).Select(j => j.Id).Take(Math.Max(0, max - recheck.Count)).ToListAsync(ct);
        return [.. recheck, .. terminal];
    }

    public async Task<HistoryCounts> CountsAsync(CancellationToken ct = default)
    {
        await EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var jobs = await db.Jobs.CountAsync(ct);
        var terminal = await db.Jobs.CountAsync(j => j.IsTerminal, ct);
        var withDetails = await db.Jobs.CountAsync(j => j.IsTerminal && (j.HasDetails || j.StepsPrunedAt != null), ct);
        var lookups = await db.Lookups.CountAsync(ct);
        return new HistoryCounts(jobs, terminal, withDetails, terminal - withDetails, jobs - terminal, lookups);
    }

    public async Task<SyncStateRecord> GetSyncStateAsync(CancellationToken ct = default)
    {
        await EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.SyncState.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct) ?? new SyncStateRecord { Id = 1 };
    }

    // ---- writes -----------------------------------------------------------------------------------------------------

    /// <summary>Raised after a commit that saved full jobs: their IDs and the source (lookup, webhook, details).</summary>
    public event Action<IReadOnlyList<string>, string>? JobsSaved;

    /// <summary>Saves a job read in full (<c>GET /jobs/{id}</c>): its row, its tasks and steps (replaced), a snapshot on change.</summary>
    public Task<HistoryWrite> SaveJobAsync(Job job, string source, CancellationToken ct = default) =>
        SaveJobsAsync([job], source, ct);

    /// <summary>Several full jobs in one transaction (the sync's detail batches).</summary>
    public async Task<HistoryWrite> SaveJobsAsync(IReadOnlyList<Job> jobs, string source, CancellationToken ct = default)
    {
        var write = await WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var batch = Newest(jobs);
            var existing = await Existing(db, batch.Keys, ct);
            var total = default(HistoryWrite);
            foreach (var job in batch.Values)
            {
                total += await ApplyFullAsync(db, job, existing.GetValueOrDefault(job.Id), source, now, ct);
            }
            return total;
        }, ct);
        JobsSaved?.Invoke(jobs.Select(j => j.Id).Distinct().ToArray(), source);
        return write;
    }

    /// <summary>
    /// Upserts one page of lean list entries and, in the same transaction, the sync's cursor, so that a process killed
    /// between two pages resumes exactly after the last page it stored.
    /// </summary>
    public Task<HistoryWrite> SaveListPageAsync(IReadOnlyList<Job> lean, Action<SyncStateRecord>? updateState, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var batch = Newest(lean);
            var existing = await Existing(db, batch.Keys, ct);
            var total = default(HistoryWrite);
            foreach (var job in batch.Values)
            {
                total += ApplyLean(db, job, existing.GetValueOrDefault(job.Id), now);
            }
            if (updateState is not null) updateState(await StateRow(db, ct));
            return total;
        }, ct);

    public Task UpdateSyncStateAsync(Action<SyncStateRecord> update, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            update(await StateRow(db, ct));
            return 0;
        }, ct);

    /// <summary>The audit: who looked up which job, and what they were shown.</summary>
    public Task RecordLookupAsync(string jobId, string userName, string result, CancellationToken ct = default) =>
        WriteAsync(db =>
        {
            db.Lookups.Add(new LookupRecord { JobId = jobId, UserName = userName, Result = result, At = clock.GetUtcNow() });
            return Task.FromResult(0);
        }, ct);

    /// <summary>An authenticated webhook named the job but Filecheck could not be asked: let the sync fetch it.</summary>
    public Task MarkForRefreshAsync(string jobId, CancellationToken ct = default) =>
        WriteAsync(async db =>
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
        WriteAsync(async db =>
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
                    row.Body = JobBody.Serialize(job with
                    {
                        Results = null,
                        Tasks = job.Tasks?.Select(t => t with { Steps = [] }).ToArray(),
                    });
                }
            }
            return rows.Count;
        }, ct);

    private async Task<T> WriteAsync<T>(Func<HistoryDbContext, Task<T>> work, CancellationToken ct)
    {
        await EnsureReadyAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(db);
            // Once the work is done, finish it: a cancellation here would only waste it.
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    private static async Task<SyncStateRecord> StateRow(HistoryDbContext db, CancellationToken ct)
    {
        var row = await db.SyncState.FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (row is null)
        {
            row = new SyncStateRecord { Id = 1 };
            db.SyncState.Add(row);
        }
        return row;
    }

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

    private static async Task<Dictionary<string, JobRecord>> Existing(HistoryDbContext db, IEnumerable<string> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        return await db.Jobs.Where(j => list.Contains(j.Id)).ToDictionaryAsync(j => j.Id, StringComparer.Ordinal, ct);
    }

    private static bool IsOlder(Job job, DateTimeOffset? stored) =>
        job.ModifiedAt is { } m && stored is { } s && m < s;

    private async Task<HistoryWrite> ApplyFullAsync(HistoryDbContext db, Job job, JobRecord? row, string source, DateTimeOffset now, CancellationToken ct)
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
        }

        CopyFields(row, job);
        row.FileCount = job.Tasks?.Count ?? 0;
        row.HasDetails = true;
        row.StepsPrunedAt = null;
        row.LastFetchedAt = now;
        row.LastSeenAt = now;

        if (added == 0)
        {
            await db.Steps.Where(s => s.JobId == job.Id).ExecuteDeleteAsync(ct);
            await db.Tasks.Where(t => t.JobId == job.Id).ExecuteDeleteAsync(ct);
        }
        AddTasks(db, job);
        return new HistoryWrite(added, changed, snapshots);
    }

    private static HistoryWrite ApplyLean(HistoryDbContext db, Job job, JobRecord? row, DateTimeOffset now)
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
        if (row.LastFetchedAt is null) row.Body = JobBody.Serialize(job);
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

    private static int Snapshot(HistoryDbContext db, Job job, string source, DateTimeOffset now)
    {
        db.Snapshots.Add(new JobSnapshot { JobId = job.Id, Status = job.Status, Outcome = job.Outcome, SeenAt = now, Source = source });
        return 1;
    }

    private void AddTasks(HistoryDbContext db, Job job)
    {
        var taskIds = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var task in job.Tasks ?? [])
        {
            if (!taskIds.Add(task.Id))
            {
                logger.LogWarning("Job {JobId} lists task {TaskId} twice; kept the first", job.Id, task.Id);
                continue;
            }
            db.Tasks.Add(new TaskRecord
            {
                JobId = job.Id, Id = task.Id, Position = position++, Status = task.Status, Outcome = task.Outcome,
                FileType = task.FileType, MimeType = task.MimeType, FileName = task.DisplayName,
            });
            var stepIds = new HashSet<string>(StringComparer.Ordinal);
            var stepPosition = 0;
            foreach (var step in task.Steps ?? [])
            {
                if (!stepIds.Add(step.Id)) continue;
                db.Steps.Add(new StepRecord
                {
                    JobId = job.Id, TaskId = task.Id, Id = step.Id, Position = stepPosition++, Type = step.Type,
                    Status = step.Status, Outcome = step.Outcome, Reason = step.Reason, Started = step.Started,
                    Ended = step.Ended, DurationMs = step.Duration,
                });
            }
        }
    }

    public void Dispose() => _writer.Dispose();
}
