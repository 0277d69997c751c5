using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Tests.Trends;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// The live watcher saves a running job on every poll: a 200-file job whose one step moved must not rewrite its 600
/// step rows and 200 task rows (a long transaction every lookup would queue behind). Counted by SQLite triggers on
/// the real file.
/// </summary>
public sealed class WriteOnlyWhatChangedTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static Job Running(int files, int ended) => new()
    {
        Id = "job_big_running", Status = "running", CreatedAt = T0, ModifiedAt = T0.AddSeconds(ended), WorkflowId = "wf_1",
        Tasks = Enumerable.Range(0, files).Select(f => new JobTask
        {
            Id = $"task_{f:000}", Status = "running", FileType = "pdf",
            Steps = Enumerable.Range(0, 3).Select(s => new Step
            {
                Id = $"step_{s}", Type = s == 0 ? "preflight" : s == 1 ? "autofix" : "previews",
                Status = f == 0 && s < ended ? "done" : s == 0 ? "running" : "pending",
                Started = s == 0 || (f == 0 && s <= ended) ? T0.AddSeconds(s) : null,
                Ended = f == 0 && s < ended ? T0.AddSeconds(s + 1) : null,
                Outcome = f == 0 && s < ended ? "pass" : null,
            }).ToList(),
        }).ToList(),
    };

    private static async Task CountWritesAsync(RollupHarness h)
    {
        await using var db = h.Db.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TABLE IF NOT EXISTS test_writes (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
            INSERT OR IGNORE INTO test_writes VALUES ('steps', 0), ('tasks', 0);
            CREATE TRIGGER IF NOT EXISTS tw_si AFTER INSERT ON Steps BEGIN UPDATE test_writes SET n = n + 1 WHERE name = 'steps'; END;
            CREATE TRIGGER IF NOT EXISTS tw_su AFTER UPDATE ON Steps BEGIN UPDATE test_writes SET n = n + 1 WHERE name = 'steps'; END;
            CREATE TRIGGER IF NOT EXISTS tw_sd AFTER DELETE ON Steps BEGIN UPDATE test_writes SET n = n + 1 WHERE name = 'steps'; END;
            CREATE TRIGGER IF NOT EXISTS tw_ti AFTER INSERT ON Tasks BEGIN UPDATE test_writes SET n = n + 1 WHERE name = 'tasks'; END;
            CREATE TRIGGER IF NOT EXISTS tw_tu AFTER UPDATE ON Tasks BEGIN UPDATE test_writes SET n = n + 1 WHERE name = 'tasks'; END;
            CREATE TRIGGER IF NOT EXISTS tw_td AFTER DELETE ON Tasks BEGIN UPDATE test_writes SET n = n + 1 WHERE name = 'tasks'; END;
            UPDATE test_writes SET n = 0;
            """);
    }

    private static async Task<(long Steps, long Tasks)> WritesAsync(RollupHarness h)
    {
        await using var db = h.Db.CreateDbContext();
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT (SELECT n FROM test_writes WHERE name = 'steps'), (SELECT n FROM test_writes WHERE name = 'tasks')";
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    [Fact]
    public async Task RunningJobPolled_OneStepMoved_WritesThatStepOnly_AndTheRowsMatchTheJob()
    {
        using var h = new RollupHarness();
        await h.Store.SaveJobAsync(Running(200, ended: 0), HistorySource.Lookup);
        await CountWritesAsync(h);

        await h.Store.SaveJobAsync(Running(200, ended: 1), HistorySource.Lookup);
        var (steps, tasks) = await WritesAsync(h);

        // Step 0 of file 0 ended, step 1 started: two step rows, no task row.
        Assert.Equal(2, steps);
        Assert.Equal(0, tasks);
        await using var db = h.Db.CreateDbContext();
        var first = await db.Steps.Where(s => s.JobId == "job_big_running" && s.TaskId == "task_000").OrderBy(s => s.Position).ToListAsync();
        Assert.Equal(["done", "pending", "pending"], first.Select(s => s.Status));
        Assert.Equal(T0.AddSeconds(1), first[0].Ended);
        Assert.Equal(T0.AddSeconds(1), first[1].Started);
        Assert.Equal(600, await db.Steps.CountAsync(s => s.JobId == "job_big_running"));
    }

    [Fact]
    public async Task FilesAndStepsGone_AreRemoved_NewOnesAdded()
    {
        using var h = new RollupHarness();
        await h.Store.SaveJobAsync(Running(5, ended: 0), HistorySource.Lookup);
        var fewer = Running(3, ended: 2);
        fewer = fewer with { Tasks = fewer.Tasks!.Select(t => t with { Steps = t.Steps!.Take(2).Append(new Step { Id = "step_new", Type = "proof", Status = "pending" }).ToList() }).ToList() };

        await h.Store.SaveJobAsync(fewer, HistorySource.Lookup);

        await using var db = h.Db.CreateDbContext();
        Assert.Equal(["task_000", "task_001", "task_002"], await db.Tasks.Where(t => t.JobId == fewer.Id).OrderBy(t => t.Position).Select(t => t.Id).ToListAsync());
        Assert.Equal(9, await db.Steps.CountAsync(s => s.JobId == fewer.Id));
        Assert.Equal(3, await db.Steps.CountAsync(s => s.JobId == fewer.Id && s.Id == "step_new"));
        Assert.Equal(0, await db.Steps.CountAsync(s => s.JobId == fewer.Id && s.Id == "step_2"));
    }
}
