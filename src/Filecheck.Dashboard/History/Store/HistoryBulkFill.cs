using Filecheck.Api.Models;
using Filecheck.Dashboard.History.Data;
using Filecheck.Dashboard.History.Rollups;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Filecheck.Dashboard.History;

/// <summary>
/// Fills a store with many new, fully read jobs much faster than <see cref="JobWriter.SaveJobsAsync"/> (the benchmark's
/// million-job store): the same rows (built by the writer's own mapping) and the same rollups (the rollup writer's own
/// contributions and upserts, one delta per chunk), inserted by prepared statements instead of EF's change tracking.
/// Only for jobs the store does not hold yet; every chunk is one write through the history's gate.
/// </summary>
public sealed class HistoryBulkFill(HistoryWriter writer, RollupWriter rollups, TimeProvider clock, ILogger<HistoryBulkFill> logger)
{
    public async Task FillAsync(IEnumerable<Job> jobs, string source, int chunk = 5_000, CancellationToken ct = default)
    {
        foreach (var part in jobs.Chunk(chunk))
        {
            await writer.WriteAsync(async db =>
            {
                var now = clock.GetUtcNow();
                await db.Database.OpenConnectionAsync(ct);
                var connection = (SqliteConnection)db.Database.GetDbConnection();
                var transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
                using var jobRows = new Inserter<JobRecord>(db, connection, transaction);
                using var snapshots = new Inserter<JobSnapshot>(db, connection, transaction);
                using var taskRows = new Inserter<TaskRecord>(db, connection, transaction);
                using var stepRows = new Inserter<StepRecord>(db, connection, transaction);
                using var counted = new Inserter<RollupJob>(db, connection, transaction);
                var delta = new RollupDelta();
                foreach (var job in part)
                {
                    var row = new JobRecord { Id = job.Id, Body = JobBody.Serialize(job), FirstSeenAt = now };
                    JobWriter.Fetched(row, job, now);
                    var (tasks, steps) = JobWriter.Rows(job, logger);
                    await jobRows.InsertAsync(row, ct);
                    await snapshots.InsertAsync(JobWriter.SnapshotOf(job, source, now), ct);
                    foreach (var task in tasks) await taskRows.InsertAsync(task, ct);
                    foreach (var step in steps) await stepRows.InsertAsync(step, ct);
                    var contribution = JobContribution.For(row, JobContribution.Details(tasks, steps, () => JobBody.Deserialize(row.Body)), rollups.Zone);
                    await counted.InsertAsync(new RollupJob { JobId = row.Id, Contribution = contribution.ToJson() }, ct);
                    delta.Add(contribution, +1);
                }
                await delta.ApplyAsync(db, ct);
                return part.Length;
            }, ct);
        }
    }

    /// <summary>An INSERT of every stored column of <typeparamref name="T"/>, values converted as EF converts them (times as Unix milliseconds).</summary>
    private sealed class Inserter<T> : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly List<(IProperty Property, SqliteParameter Parameter)> _columns = [];

        public Inserter(HistoryDbContext db, SqliteConnection connection, SqliteTransaction transaction)
        {
            var entity = db.Model.FindEntityType(typeof(T))!;
            // A key the store numbers itself (snapshots) is left to SQLite, as EF leaves it.
            var properties = entity.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd)).ToList();
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = $"INSERT INTO \"{entity.GetTableName()}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) " +
                $"VALUES ({string.Join(", ", properties.Select((_, i) => "$p" + i))})";
            for (var i = 0; i < properties.Count; i++)
            {
                _columns.Add((properties[i], _command.Parameters.Add(new SqliteParameter("$p" + i, null))));
            }
            _command.Prepare();
        }

        public Task InsertAsync(T entity, CancellationToken ct)
        {
            foreach (var (property, parameter) in _columns)
            {
                var value = property.PropertyInfo!.GetValue(entity);
                if (value is not null && property.GetTypeMapping().Converter is { } converter) value = converter.ConvertToProvider(value);
                parameter.Value = value ?? DBNull.Value;
            }
            return _command.ExecuteNonQueryAsync(ct);
        }

        public void Dispose() => _command.Dispose();
    }
}
