using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Trends.Rollups;

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
public sealed class RollupWriter(RollupZone zone) : IHistoryWriteListener
{
    private long _ticks;

    public TimeZoneInfo Zone => zone.Zone;

    /// <summary>Time spent keeping the rollups (what the benchmark reports as their cost per save).</summary>
    public TimeSpan Spent => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>
    /// Called once per write transaction, after the work and before <c>SaveChanges</c>, with the work's changes detected:
    /// it reads them from the change tracker and writes the rollups (and what each job adds) on the connection itself.
    /// </summary>
    public async Task ApplyAsync(DashboardDbContext db, CancellationToken ct)
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

    Task IHistoryWriteListener.OnSavingAsync(DashboardDbContext db, CancellationToken ct) => ApplyAsync(db, ct);

    /// <summary>What each bulk-filled job adds (its <see cref="RollupJob"/> row and the rollups), one delta for the chunk.</summary>
    async Task IHistoryWriteListener.OnBulkFilledAsync(DashboardDbContext db, IReadOnlyList<FilledJob> jobs, CancellationToken ct)
    {
        var delta = new RollupDelta();
        var counted = new List<RollupJob>(jobs.Count);
        var days = new HashSet<DateOnly>();
        foreach (var job in jobs)
        {
            var contribution = JobContribution.For(job.Row, JobContribution.Details(job.Tasks, job.Steps, () => JobBody.Deserialize(job.Row.Body)), zone.Zone);
            counted.Add(new RollupJob { JobId = job.Row.Id, Contribution = contribution.ToJson() });
            delta.Add(contribution, +1);
            if (contribution.Counted) days.Add(contribution.Day);
        }
        // New jobs on days a rebuild (another instance's) may be recounting: the same day locks as a save takes.
        await db.LockDaysSharedAsync(days, ct);
        await StoreInserter.InsertAsync(db, counted, ct);
        await delta.ApplyAsync(db, ct);
    }

    private async Task ApplyCoreAsync(DashboardDbContext db, CancellationToken ct)
    {
        // One pass over what the write tracks. A full save leaves every task and step row of its job tracked (added, modified
        // or unchanged); removed ones are deleted.
        var jobs = new List<EntityEntry>();
        var tasks = new Dictionary<string, List<TaskRecord>>(StringComparer.Ordinal);
        var steps = new Dictionary<string, List<StepRecord>>(StringComparer.Ordinal);
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Deleted or EntityState.Detached) continue;
            switch (entry.Entity)
            {
                case JobRecord when entry.State is EntityState.Added or EntityState.Modified:
                    jobs.Add(entry);
                    break;
                case TaskRecord task:
                    Rows(tasks, task.JobId).Add(task);
                    break;
                case StepRecord step:
                    Rows(steps, step.JobId).Add(step);
                    break;
            }
        }
        if (jobs.Count == 0) return;
        // A re-fetch that changed nothing counted (only the fetch times moved) costs no read of what the job added.
        var fields = JobContribution.RowFields.Select(f => jobs[0].Metadata.FindProperty(f)!).ToList();
        var changed = jobs.Select(e => (Entry: e, Details: DetailsReplaced(e, tasks.ContainsKey(((JobRecord)e.Entity).Id))))
            .Where(j => j.Details || j.Entry.State == EntityState.Added || fields.Exists(f => j.Entry.Property(f).IsModified))
            .ToList();
        if (changed.Count == 0) return;

        await db.Database.OpenConnectionAsync(ct);
        var ids = changed.Select(c => ((JobRecord)c.Entry.Entity).Id).ToList();
        // Several writers (PostgreSQL): what a job added is read and replaced by one of them at a time.
        await db.LockJobsAsync(ids, ct);
        var contributions = ContributionStore.For(db);
        // What each job added before: a few statements, not EF's tracking of every row.
        var stored = await contributions.ReadAsync(ids, ct);
        var locked = new HashSet<DateOnly>();
        var lockedAny = false;
        while (true)
        {
            var (delta, written, days) = Changes(changed, stored, tasks, steps);
            // PostgreSQL: the days counted on are locked (shared) against a rebuild of them before anything is written; a
            // rebuild that finished before the locks may have rewritten what the jobs add, so that is read again under them.
            var more = days.Where(d => !locked.Contains(d)).ToList();
            if (db.IsPostgres() && (!lockedAny || more.Count > 0))
            {
                await db.LockDaysSharedAsync(more, ct);
                lockedAny = true;
                locked.UnionWith(more);
                stored = await contributions.ReadAsync(ids, ct);
                continue;
            }
            await contributions.WriteAsync(written, ct);
            await delta.ApplyAsync(db, ct);
            return;
        }
    }

    /// <summary>What the changed jobs add now against what they added before, and every day either counts them on.</summary>
    private (RollupDelta Delta, List<(string JobId, string Json)> Written, HashSet<DateOnly> Days) Changes(List<(EntityEntry Entry, bool Details)> changed,
        Dictionary<string, string> stored, Dictionary<string, List<TaskRecord>> tasks, Dictionary<string, List<StepRecord>> steps)
    {
        var delta = new RollupDelta();
        var written = new List<(string JobId, string Json)>();
        var days = new HashSet<DateOnly>();
        foreach (var (entry, replaced) in changed)
        {
            var row = (JobRecord)entry.Entity;
            var before = stored.GetValueOrDefault(row.Id);
            var old = JobContribution.FromJson(before);
            var details = replaced
                ? JobContribution.Details(tasks.GetValueOrDefault(row.Id) ?? [], steps.GetValueOrDefault(row.Id) ?? [], () => JobBody.Deserialize(row.Body))
                : old;
            var now = JobContribution.For(row, details, zone.Zone);
            var json = now.ToJson();
            if (before == json) continue;
            delta.Add(old, -1);
            delta.Add(now, +1);
            written.Add((row.Id, json));
            if (old.Counted) days.Add(old.Day);
            if (now.Counted) days.Add(now.Day);
        }
        return (delta, written, days);
    }

    /// <summary>A full save replaced the tasks and steps; a list update, a refresh mark or pruning did not.</summary>
    private static bool DetailsReplaced(EntityEntry entry, bool tasksAdded)
    {
        if (tasksAdded) return true;
        if (!((JobRecord)entry.Entity).HasDetails) return false;
        if (entry.State == EntityState.Added) return true;
        return entry.Property(nameof(JobRecord.Body)).IsModified || !(bool)entry.Property(nameof(JobRecord.HasDetails)).OriginalValue!;
    }

    private static List<T> Rows<T>(Dictionary<string, List<T>> byJob, string jobId)
    {
        if (!byJob.TryGetValue(jobId, out var rows)) byJob[jobId] = rows = [];
        return rows;
    }
}

/// <summary>The <see cref="RollupJob"/> rows (what each job adds to the rollups), read and written on the connection itself.</summary>
internal abstract class ContributionStore
{
    public static ContributionStore For(DashboardDbContext db) => db.IsPostgres()
        ? new Postgres((Npgsql.NpgsqlConnection)db.Database.GetDbConnection())
        : new Sqlite((SqliteConnection)db.Database.GetDbConnection());

    public abstract Task<Dictionary<string, string>> ReadAsync(IReadOnlyList<string> jobIds, CancellationToken ct);

    public abstract Task WriteAsync(IReadOnlyList<(string JobId, string Json)> rows, CancellationToken ct);

    /// <summary>SQLite: prepared statements on the connection's handle.</summary>
    private sealed class Sqlite(SqliteConnection connection) : ContributionStore
    {
        public override Task<Dictionary<string, string>> ReadAsync(IReadOnlyList<string> jobIds, CancellationToken ct)
        {
            var stored = new Dictionary<string, string>(StringComparer.Ordinal);
            using var read = new RawStatement(connection, "SELECT Contribution FROM RollupJobs WHERE JobId = ?1");
            foreach (var id in jobIds)
            {
                read.Bind(1, id);
                while (read.Read()) stored[id] = read.Text(0);
            }
            return Task.FromResult(stored);
        }

        public override Task WriteAsync(IReadOnlyList<(string JobId, string Json)> rows, CancellationToken ct)
        {
            if (rows.Count == 0) return Task.CompletedTask;
            using var write = new RawStatement(connection,
                "INSERT INTO RollupJobs (JobId, Contribution) VALUES (?1, ?2) ON CONFLICT (JobId) DO UPDATE SET Contribution = excluded.Contribution");
            foreach (var (id, json) in rows)
            {
                write.Bind(1, id);
                write.Bind(2, json);
                write.Execute();
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>PostgreSQL: one read for all the jobs, one batch of upserts (under the jobs' locks, taken before the read).</summary>
    private sealed class Postgres(Npgsql.NpgsqlConnection connection) : ContributionStore
    {
        public override async Task<Dictionary<string, string>> ReadAsync(IReadOnlyList<string> jobIds, CancellationToken ct)
        {
            var stored = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var read = new Npgsql.NpgsqlCommand("SELECT \"JobId\", \"Contribution\" FROM \"RollupJobs\" WHERE \"JobId\" = ANY($1)", connection);
            read.Parameters.Add(new Npgsql.NpgsqlParameter { Value = jobIds.ToArray() });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) stored[reader.GetString(0)] = reader.GetString(1);
            return stored;
        }

        public override async Task WriteAsync(IReadOnlyList<(string JobId, string Json)> rows, CancellationToken ct)
        {
            if (rows.Count == 0) return;
            await using var batch = new Npgsql.NpgsqlBatch(connection);
            foreach (var (id, json) in rows.OrderBy(r => r.JobId, StringComparer.Ordinal))
            {
                batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand(
                    "INSERT INTO \"RollupJobs\" (\"JobId\", \"Contribution\") VALUES ($1, $2) ON CONFLICT (\"JobId\") DO UPDATE SET \"Contribution\" = excluded.\"Contribution\"")
                {
                    Parameters = { new() { Value = id }, new() { Value = json } },
                });
            }
            await batch.ExecuteNonQueryAsync(ct);
        }
    }
}
