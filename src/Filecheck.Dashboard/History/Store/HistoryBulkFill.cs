using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Fills a store with many new, fully read jobs much faster than <see cref="JobWriter.SaveJobsAsync"/> (the benchmark's
/// million-job store): the same rows (built by the writer's own mapping) and the same rollups (the rollup writer's own
/// contributions, through <see cref="IHistoryWriteListener.OnBulkFilledAsync"/>, one delta per chunk), inserted by prepared
/// statements instead of EF's change tracking.
/// Only for jobs the store does not hold yet; every chunk is one write through the history's gate.
/// </summary>
public sealed class HistoryBulkFill(HistoryWriter writer, IEnumerable<IHistoryWriteListener> listeners, TimeProvider clock, ILogger<HistoryBulkFill> logger)
{
    public async Task FillAsync(IEnumerable<Job> jobs, string source, int chunk = 5_000, CancellationToken ct = default)
    {
        foreach (var part in jobs.Chunk(chunk))
        {
            await writer.WriteAsync(async db =>
            {
                var now = clock.GetUtcNow();
                await db.Database.OpenConnectionAsync(ct);
                var connection = db.Database.GetDbConnection().SqliteOnly("The bulk fill");
                var transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
                using var jobRows = new SqliteInserter<JobRecord>(db, connection, transaction);
                using var snapshots = new SqliteInserter<JobSnapshot>(db, connection, transaction);
                using var taskRows = new SqliteInserter<TaskRecord>(db, connection, transaction);
                using var stepRows = new SqliteInserter<StepRecord>(db, connection, transaction);
                var filled = new List<FilledJob>(part.Length);
                foreach (var job in part)
                {
                    var row = new JobRecord { Id = job.Id, Body = JobBody.Serialize(job), FirstSeenAt = now };
                    JobWriter.Fetched(row, job, now);
                    var (tasks, steps) = JobWriter.Rows(job, logger);
                    await jobRows.InsertAsync(row, ct);
                    await snapshots.InsertAsync(JobWriter.SnapshotOf(job, source, now), ct);
                    foreach (var task in tasks) await taskRows.InsertAsync(task, ct);
                    foreach (var step in steps) await stepRows.InsertAsync(step, ct);
                    filled.Add(new FilledJob(row, tasks, steps));
                }
                foreach (var listener in listeners) await listener.OnBulkFilledAsync(db, filled, ct);
                return part.Length;
            }, ct);
        }
    }
}
