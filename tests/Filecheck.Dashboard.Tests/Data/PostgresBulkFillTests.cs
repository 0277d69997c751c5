using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Dashboard.Tests.Trends;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// The bulk fill on PostgreSQL (binary COPY) stores what the write path stores on SQLite: the same rows in every table
/// it fills and the same rollups, daily and pre-summed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBulkFillTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task FillAsync_OnPostgres_SameRowsAndRollupsAsTheWritePathOnSqlite()
    {
        var clock = PlantedHistory.Clock();
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var jobs = RollupReaderTests.MixedJobs(120);
        using var saved = new RollupHarness(berlin);
        using var bulk = new RollupHarness(berlin, database.ConnectionString);
        await bulk.Migrator.EnsureReadyAsync();
        var store = new JobWriter(saved.HistoryWriter, clock, NullLogger<JobWriter>.Instance);
        foreach (var chunk in jobs.Chunk(40)) await store.SaveJobsAsync(chunk, HistorySource.Details);

        await new HistoryBulkFill(bulk.HistoryWriter, [bulk.Writer], clock, NullLogger<HistoryBulkFill>.Instance).FillAsync(jobs, HistorySource.Details, chunk: 70);

        var expected = await RollupSnapshot.ReadAsync(saved.Db);
        RollupPropertyTests.AssertSame(expected, await RollupSnapshot.ReadAsync(bulk.Db), "bulk fill on PostgreSQL");
        Assert.True(expected.Steps.Count > 500, "the history holds steps and their rollups");
        Assert.Equal(await RowsAsync(saved), await RowsAsync(bulk));
    }

    /// <summary>The filled tables' rows as text (jobs with their times, tasks, steps, snapshots' jobs, contributions).</summary>
    private static async Task<List<string>> RowsAsync(RollupHarness h)
    {
        await using var db = h.Db.CreateDbContext();
        var rows = new List<string>();
        rows.AddRange((await db.Jobs.AsNoTracking().ToListAsync()).Select(j =>
            $"job {j.Id} {j.CreatedAt?.ToUnixTimeMilliseconds()} {j.ModifiedAt?.ToUnixTimeMilliseconds()} {j.Outcome} {j.Channel} {j.WorkflowId} {j.RuleId} {j.IsTerminal} {j.HasDetails} {j.Body.Length}"));
        rows.AddRange((await db.Tasks.AsNoTracking().ToListAsync()).Select(t => $"task {t.JobId} {t.Id} {t.FileType} {t.Outcome}"));
        rows.AddRange((await db.Steps.AsNoTracking().ToListAsync()).Select(s => $"step {s.JobId} {s.Id} {s.Type} {s.Outcome} {s.DurationMs}"));
        rows.AddRange((await db.Set<JobSnapshot>().AsNoTracking().ToListAsync()).Select(s => $"snapshot {s.JobId} {s.Source}"));
        rows.AddRange((await db.Set<RollupJob>().AsNoTracking().ToListAsync()).Select(r => $"contribution {r.JobId} {r.Contribution}"));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
