using System.Diagnostics;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Dashboard.Tests.Trends;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// Several writers on one PostgreSQL that share nothing but the database: two operating-system processes syncing the same
/// sandbox at once (tests/Filecheck.HistoryWorker), and a rollup rebuild of a day running beside saves of that day.
/// Afterwards the rollups always equal a recomputation from the rows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresManyWritersTests(PostgresDatabase database, SandboxFixture sandbox)
    : IClassFixture<PostgresDatabase>, IClassFixture<SandboxFixture>
{
    private readonly PostgresContexts _db = new(database.ConnectionString);

    [Fact]
    public async Task Sync_TwoProcessesSyncingTheSameSandboxAtOnce_RollupsEqualARebuildFromTheRows()
    {
        await _db.EmptyAsync();
        using var harness = new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString);
        await harness.Migrator.EnsureReadyAsync();
        using var temp = new TempStore();

        // Both list every page and read every job's details: the same jobs saved by both, in whatever order they meet.
        using var first = StartWorker(temp.File);
        using var second = StartWorker(temp.File);
        var outputs = await Task.WhenAll(FinishAsync(first), FinishAsync(second));

        Assert.All(outputs, o => Assert.True(o.ExitCode == 0, o.Output));
        // "done <listed> <added>": each listed every job; between them they added each once.
        var done = outputs.Select(o => o.Output.Split('\n').Single(l => l.StartsWith("done ", StringComparison.Ordinal)).Split(' ')).ToList();
        await using (var db = harness.Db.CreateDbContext())
        {
            Assert.Equal(int.Parse(done[0][1]), await db.Jobs.CountAsync());
            Assert.True(await db.Set<StepRollup>().AnyAsync(), "the workers read the jobs' details");
        }
        var kept = await RollupSnapshot.ReadAsync(harness.Db);
        await harness.Rebuild.RunAsync(CancellationToken.None);
        Assert.True(harness.Rebuild.Progress.Error is null, harness.Rebuild.Progress.Error);
        RollupPropertyTests.AssertSame(await RollupSnapshot.ReadAsync(harness.Db), kept, "two processes");
    }

    [Fact]
    public async Task Save_WhileARebuildHoldsItsDay_WaitsForItAndAnotherDaySavesAtOnce()
    {
        await _db.EmptyAsync();
        using var writer = new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString);
        using var other = new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString);
        await writer.Migrator.EnsureReadyAsync();
        var created = RollupPropertyTests.Origin;
        var before = RollupPropertyTests.FullJob("job_day_a", created, created.AddDays(1), new Random(1));
        await writer.Store.SaveJobAsync(before, HistorySource.Details);
        var day = JobContribution.DayOf(created, TimeZoneInfo.Utc);

        // The lock a rebuild of that day holds while it recounts it, held here by another connection's transaction.
        await using var rebuilding = new PostgresContexts(database.ConnectionString).CreateDbContext();
        await using var transaction = await rebuilding.Database.BeginTransactionAsync();
        await rebuilding.LockDayExclusiveAsync(day, CancellationToken.None);

        var after = before with { ModifiedAt = created.AddDays(2), Outcome = before.Outcome == "fail" ? "pass" : "fail", Status = "done" };
        var save = writer.Store.SaveJobAsync(after, HistorySource.Details);
        await WaitForAsync(async () => await WaitingAdvisoryLocksAsync() > 0, "the save waits for the day's lock");
        Assert.False(save.IsCompleted, "a save of the day went on while its rebuild held it");

        // A job of another day is saved meanwhile.
        var elsewhere = RollupPropertyTests.FullJob("job_day_b", created.AddDays(3), created.AddDays(4), new Random(2));
        await other.Store.SaveJobAsync(elsewhere, HistorySource.Details).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(save.IsCompleted);

        await transaction.CommitAsync();
        await save.WaitAsync(TimeSpan.FromSeconds(30));
        var expected = RollupSnapshot.Recompute([(after, (Job?)after), (elsewhere, elsewhere)], TimeZoneInfo.Utc);
        RollupPropertyTests.AssertSame(expected, await RollupSnapshot.ReadAsync(_db), "after the rebuild's lock was let go");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Rebuild_RunningBesideTwoWritersOfTheSameDays_RollupsEqualARecomputationOfTheNewestAnswers(int seed)
    {
        await _db.EmptyAsync();
        var writers = Enumerable.Range(0, 2).Select(_ => new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString)).ToList();
        using var rebuilder = new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString);
        try
        {
            await rebuilder.Migrator.EnsureReadyAsync();
            var rng = new Random(seed);
            // Eight jobs on three days; each writer saves newer answers of them, one after another.
            var plans = Enumerable.Range(0, writers.Count).Select(w => Enumerable.Range(0, 16).Select(op =>
            {
                var job = rng.Next(8);
                return RollupPropertyTests.FullJob("job_rebuilt_" + job, RollupPropertyTests.Origin.AddHours(job * 9),
                    RollupPropertyTests.Origin.AddDays(30).AddSeconds(op * writers.Count + w), new Random(rng.Next())) with { RuleId = null };
            }).ToList()).ToList();
            await writers[0].Store.SaveJobAsync(plans[0][0], HistorySource.Details);

            using var stop = new CancellationTokenSource();
            var rebuilds = Task.Run(async () =>
            {
                var runs = 0;
                while (!stop.IsCancellationRequested || runs == 0)
                {
                    await rebuilder.Rebuild.RunAsync(CancellationToken.None);
                    Assert.True(rebuilder.Rebuild.Progress.Error is null, rebuilder.Rebuild.Progress.Error);
                    runs++;
                }
                return runs;
            });
            await Task.WhenAll(writers.Select((writer, w) => Task.Run(async () =>
            {
                foreach (var job in plans[w]) await writer.Store.SaveJobAsync(job, HistorySource.Details);
            })));
            stop.Cancel();
            Assert.True(await rebuilds > 0);

            var newest = plans.SelectMany(p => p).GroupBy(j => j.Id).Select(g => g.MaxBy(j => j.ModifiedAt)!).ToList();
            var expected = RollupSnapshot.Recompute(newest.Select(j => (j, (Job?)j)), TimeZoneInfo.Utc);
            RollupPropertyTests.AssertSame(expected, await RollupSnapshot.ReadAsync(_db), "a rebuild beside two writers");
        }
        finally
        {
            foreach (var writer in writers) writer.Dispose();
        }
    }

    private async Task<long> WaitingAdvisoryLocksAsync()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "Timed out: " + what);
            await Task.Delay(20);
        }
    }

    private Process StartWorker(string file)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     HistoryWorker.Dll(), "--db", file, "--postgres", database.ConnectionString, "--rollups", "utc",
                     "--base-url", sandbox.Server.BaseAddress.ToString(), "--api-key", sandbox.Server.ApiKey,
                     "--page-size", "100", "--max-details", "40",
                 })
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private static async Task<(int ExitCode, string Output)> FinishAsync(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }
}
