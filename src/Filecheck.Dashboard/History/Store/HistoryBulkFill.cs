using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Fills a store with many new, fully read jobs much faster than <see cref="JobWriter.SaveJobsAsync"/> (the benchmark's
/// million-job store): the same rows (built by the writer's own mapping) and the same rollups (the rollup writer's own
/// contributions, through <see cref="IHistoryWriteListener.OnBulkFilledAsync"/>, one delta per chunk), inserted by
/// <see cref="StoreInserter"/> (prepared statements on SQLite, binary <c>COPY</c> on PostgreSQL) instead of EF's change tracking.
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
                var filled = new List<FilledJob>(part.Length);
                var snapshots = new List<JobSnapshot>(part.Length);
                foreach (var job in part)
                {
                    var row = new JobRecord { Id = job.Id, Body = JobBody.Serialize(job), FirstSeenAt = now };
                    JobWriter.Fetched(row, job, now);
                    var (tasks, steps) = JobWriter.Rows(job, logger);
                    snapshots.Add(JobWriter.SnapshotOf(job, source, now));
                    filled.Add(new FilledJob(row, tasks, steps));
                }
                // A table at a time (PostgreSQL copies one table at a time on a connection), parents first.
                await StoreInserter.InsertAsync(db, filled.Select(f => f.Row).ToList(), ct);
                await StoreInserter.InsertAsync(db, snapshots, ct);
                await StoreInserter.InsertAsync(db, filled.SelectMany(f => f.Tasks).ToList(), ct);
                await StoreInserter.InsertAsync(db, filled.SelectMany(f => f.Steps).ToList(), ct);
                foreach (var listener in listeners) await listener.OnBulkFilledAsync(db, filled, ct);
                return part.Length;
            }, ct);
        }
    }
}
