using System.Diagnostics;
using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Trends;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// The trends at scale: a store of <c>jobs</c> jobs (7 steps each, one file) over a year, filled once by the bulk path
/// (HistoryBulkFill: the write path's own rows and rollups, proved identical by a test) and kept in a file that later
/// runs reuse; the write path's own cost measured apart at the same density; then each trends query beside the same
/// aggregate by the sqlite3 CLI over the raw steps.
/// </summary>
internal static class TrendsBench
{
    private sealed class Factory(string file) : IDbContextFactory<DashboardDbContext>
    {
        // The dashboard's own connection settings (WAL, synchronous=NORMAL), so a save costs here what it costs there.
        public DashboardDbContext CreateDbContext() =>
            new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(DataSetup.ConnectionString(file)).AddInterceptors(SqlitePragmas.Instance).Options);
    }

    internal sealed class NoNames : ITrendNames
    {
        public Task<string?> WorkflowAsync(string id, CancellationToken ct) => Task.FromResult<string?>(null);
        public Task<string?> RuleAsync(string id, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    internal static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Channels = ["web", "api", "store", "admin"];
    private static readonly string[] FileTypes = ["pdf", "pdf", "pdf", "raster", "vector", "office"];
    private static readonly string[] StepTypes = ["preflight", "autofix", "repreflight", "validate", "optimize", "previews", "proof"];
    private static readonly string?[] Outcomes = ["pass", "pass", "pass", "fixed", "warn", "fail", "mixed", null];

    public static async Task RunAsync(int jobCount, string file, List<(string What, string Figure, string Target)> rows, bool queriesOnly = false)
    {
        var factory = new Factory(file);
        var writer = new RollupWriter(RollupZone.Utc);
        var migrator = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
        using var gate = new StoreWriter(factory, migrator);
        var historyWriter = new HistoryWriter(gate, [writer]);
        await migrator.EnsureReadyAsync();
        long held;
        await using (var db = factory.CreateDbContext()) held = await db.Jobs.LongCountAsync();
        if (held < jobCount)
        {
            // The bulk path (HistoryBulkFill: the write path's rows and rollups, proved identical by HistoryBulkFillTests),
            // oldest first, a chunk of 5,000 neighbouring jobs per transaction.
            var fill = new HistoryBulkFill(historyWriter, [writer], TimeProvider.System, NullLogger<HistoryBulkFill>.Instance);
            var sw = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var start = (int)held; start < jobCount; start += 100_000)
            {
                await fill.FillAsync(Enumerable.Range(start, Math.Min(100_000, jobCount - start)).Select(i => Job(i, jobCount)), HistorySource.Details);
                Console.Error.WriteLine($"  trends store: {start + 100_000:N0} of {jobCount:N0} jobs, {sw.Elapsed.TotalSeconds:0} s, load {Load()}");
            }
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            rows.Add(($"bulk fill of the trends store (HistoryBulkFill), {jobCount - held:N0} jobs in creation order",
                $"{sw.Elapsed.TotalMinutes:0.0} min ({cpu.TotalMinutes:0.0} min CPU), of which rollups {writer.Spent.TotalMinutes:0.0} min; load average {Load()} at the end",
                "≤ 30 min"));
        }
        SqliteConnection.ClearAllPools();
        if (!queriesOnly) await SaveCostsAsync(rows);
        long steps;
        await using (var db = factory.CreateDbContext()) steps = await db.Steps.LongCountAsync();
        var size = new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0);
        rows.Add(("trends store", $"{jobCount:N0} jobs, {steps:N0} steps, {size / 1024.0 / 1024:0} MB", "1,000,000 jobs, ~7M steps"));

        var query = new TrendsQuery(factory, RollupZone.Utc, new NoNames(), new FixedClock(Now));
        foreach (var (name, view, where) in Views(column => column, all: "1"))
        {
            var samples = await SamplesAsync(query, view);
            var days = view.Days;
            if (queriesOnly)
            {
                rows.Add(($"trends page query (TrendsQuery.LoadAsync), {name}",
                    $"p50 {Pct(samples, 50):0.0} ms, p95 {Pct(samples, 95):0.0} ms (sqlite3 over raw steps not run: --trends-queries-only); load average {Load()}",
                    "90 days by week ≤ 50 ms p50 and ≤ 0.1 of raw"));
                continue;
            }
            var raw = RawAggregate(file, days, where);
            rows.Add(($"trends page query (TrendsQuery.LoadAsync), {name}",
                $"p50 {Pct(samples, 50):0.0} ms, p95 {Pct(samples, 95):0.0} ms; sqlite3 over raw steps (same range and filter): {raw:0} ms; ratio {Pct(samples, 50) / raw:0.000}; load average {Load()}",
                "90 days by week ≤ 50 ms p50 and ≤ 0.1 of raw"));
        }
    }

    public static async Task SaveCostsAsync(List<(string What, string Figure, string Target)> rows)
    {
        foreach (var batchSize in new[] { 10, 100, 500 }) rows.AddRange(await SaveCostAsync(batchSize));
    }

    /// <summary>
    /// What the rollups add to a save at the million-job store's density (2,740 jobs a day): one day of jobs saved through
    /// the write path (JobWriter.SaveJobsAsync) into a fresh store in batches of <paramref name="size"/> (the sync's detail batches are 10).
    /// </summary>
    private static async Task<List<(string, string, string)>> SaveCostAsync(int size)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fc-trends-save-cost-{Environment.ProcessId}.db");
        try
        {
            var factory = new Factory(file);
            var writer = new RollupWriter(RollupZone.Utc);
            var migrator = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
            using var gate = new StoreWriter(factory, migrator);
            var historyWriter = new HistoryWriter(gate, [writer]);
            var store = new JobWriter(historyWriter, TimeProvider.System, NullLogger<JobWriter>.Instance);
            await migrator.EnsureReadyAsync();
            const int perDay = 2_740, count = 2_000;
            await store.SaveJobsAsync(Enumerable.Range(0, 100).Select(i => Job(i, perDay * 365)).ToList(), HistorySource.Details); // warm-up
            var spentBefore = writer.Spent;
            var sw = Stopwatch.StartNew();
            for (var start = 100; start < 100 + count; start += size)
            {
                await store.SaveJobsAsync(Enumerable.Range(start, size).Select(i => Job(i, perDay * 365)).ToList(), HistorySource.Details);
            }
            var rollups = writer.Spent - spentBefore;
            var saved = sw.Elapsed;
            List<(string, string, string)> result =
            [
                ($"history save with rollups, {count:N0} jobs of one day (2,740 a day) in batches of {size}",
                    $"{saved.TotalMilliseconds * 1000 / count:0} µs per job, of which rollups {rollups.TotalMilliseconds * 1000 / count:0} µs ({rollups / saved:P0}); load average {Load()}",
                    "rollups ≤ 10% of a save"),
            ];
            // The same jobs fetched again, unchanged (the sync and lookups re-fetch far more jobs than change).
            spentBefore = writer.Spent;
            sw.Restart();
            for (var start = 100; start < 100 + count; start += size)
            {
                await store.SaveJobsAsync(Enumerable.Range(start, size).Select(i => Job(i, perDay * 365)).ToList(), HistorySource.Details);
            }
            rollups = writer.Spent - spentBefore;
            result.Add(($"same {count:N0} jobs saved again unchanged (a re-fetch), batches of {size}",
                $"{sw.Elapsed.TotalMilliseconds * 1000 / count:0} µs per job, of which rollups {rollups.TotalMilliseconds * 1000 / count:0.0} µs ({rollups / sw.Elapsed:P0}); load average {Load()}",
                "≈ 0"));
            return result;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm", file + ".migrating" }) File.Delete(f);
        }
    }

    /// <summary>The machine's 1-minute load average (Linux), beside each figure: the bench runs on a shared machine.</summary>
    /// <summary>
    /// The trends page's views measured on each engine, each with the raw aggregate's filter in that engine's SQL
    /// (<paramref name="quote"/> quotes a name, <paramref name="all"/> is the engine's "no filter").
    /// </summary>
    internal static (string Name, TrendsViewState View, string Where)[] Views(Func<string, string> quote, string all) =>
    [
        ("90 days by week", new() { Days = 90, Group = TrendGrouping.Week }, all),
        ("90 days by week, one workflow", new() { Days = 90, Group = TrendGrouping.Week, Workflow = "wf_3" }, $"j.{quote("WorkflowId")} = 'wf_3'"),
        ("90 days by week, files, one file type", new() { Days = 90, Group = TrendGrouping.Week, Unit = TrendUnit.Files, FileType = "raster" },
            $"EXISTS (SELECT 1 FROM {quote("Tasks")} t WHERE t.{quote("JobId")} = j.{quote("Id")} AND t.{quote("FileType")} = 'raster')"),
        ("90 days by week, one channel and one workflow (daily rows: two filters)", new() { Days = 90, Group = TrendGrouping.Week, Channel = "web", Workflow = "wf_3" },
            $"j.{quote("Channel")} = 'web' AND j.{quote("WorkflowId")} = 'wf_3'"),
        ("30 days by day", new() { Days = 30, Group = TrendGrouping.Day }, all),
        ("365 days by month", new() { Days = 365, Group = TrendGrouping.Month }, all),
    ];

    /// <summary>One view loaded once to warm up, then timed 21 times.</summary>
    internal static async Task<List<double>> SamplesAsync(TrendsQuery query, TrendsViewState view)
    {
        await query.LoadAsync(view);
        var samples = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var sw = Stopwatch.StartNew();
            await query.LoadAsync(view);
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        return samples;
    }

    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>The same figures straight from the steps: outcomes per week, and count and duration per week and step type.</summary>
    private static double RawAggregate(string file, int days, string where)
    {
        var from = Now.AddDays(-days).ToUnixTimeMilliseconds();
        var sql = $"""
            SELECT strftime('%Y-%W', CreatedAt / 1000, 'unixepoch') AS week, Outcome, COUNT(*) FROM Jobs j WHERE IsTerminal = 1 AND CreatedAt >= {from} AND {where} GROUP BY week, Outcome;
            SELECT strftime('%Y-%W', j.CreatedAt / 1000, 'unixepoch') AS week, s.Type, COUNT(*), AVG(s.DurationMs), MIN(s.DurationMs), MAX(s.DurationMs)
              FROM Steps s JOIN Jobs j ON j.Id = s.JobId WHERE j.IsTerminal = 1 AND j.CreatedAt >= {from} AND {where} GROUP BY week, s.Type;
            SELECT Reason, COUNT(*) FROM Steps s JOIN Jobs j ON j.Id = s.JobId WHERE j.CreatedAt >= {from} AND {where} AND s.Outcome IN ('fail', 'warn') GROUP BY Reason ORDER BY 2 DESC LIMIT 15;
            """;
        var samples = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("sqlite3", [file, sql]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        return Pct(samples, 50);
    }

    internal static Job Job(int i, int count)
    {
        // A year of jobs in creation order (job i of count), each from its own seed so any part of the store can be made alone;
        // seven steps in a row on one file, with small waits.
        var rng = new Random(i);
        var created = Now.AddDays(-365 + 365.0 * i / count).AddSeconds(rng.Next(0, 60));
        var outcome = Outcomes[rng.Next(Outcomes.Length)];
        var at = created.AddSeconds(2);
        var steps = new List<Step>();
        foreach (var type in StepTypes)
        {
            var ms = Math.Round(200 + rng.NextDouble() * rng.NextDouble() * 60_000);
            var stepOutcome = type == "preflight" ? outcome : "pass";
            steps.Add(new Step
            {
                Id = "step_" + type, Type = type, Status = "done", Outcome = stepOutcome, Started = at, Ended = at.AddMilliseconds(ms), Duration = ms,
                Reason = stepOutcome is "fail" or "warn" ? $"Image on page {rng.Next(1, 30)} is {rng.Next(72, 299)} dpi" : null,
            });
            at = at.AddMilliseconds(ms + rng.Next(0, 800));
        }
        var wf = rng.Next(8);
        return new Job
        {
            Id = $"job_bench_{i:0000000}", CreatedAt = created, ModifiedAt = created.AddMinutes(3), Status = "done", Outcome = outcome,
            Channel = Channels[rng.Next(Channels.Length)], WorkflowId = "wf_" + wf, RuleId = "rule_" + wf,
            Tasks = [new JobTask { Id = "task_1", Status = "done", Outcome = outcome, FileType = FileTypes[rng.Next(FileTypes.Length)], Steps = steps }],
        };
    }

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    internal static double Pct(List<double> samples, int p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
