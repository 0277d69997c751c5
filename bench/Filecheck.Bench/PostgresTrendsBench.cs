using System.Diagnostics;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Trends;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

/// <summary>
/// The trends at scale on PostgreSQL, beside <see cref="TrendsBench"/> on SQLite: the same store of <c>jobs</c> jobs
/// (the same generated jobs) filled by the bulk path (binary COPY), each trends query beside <c>psql</c> running the same
/// raw aggregate over the steps, and the write path's cost per job in sync batches. On a throwaway cluster
/// (tests/Shared/PostgresCluster.cs) unless <c>--postgres CONNECTION</c> names a database.
/// Run: <c>dotnet run -c Release --project bench/Filecheck.Bench -- --postgres-trends [--trends-jobs N] [--postgres CONNECTION]</c>.
/// </summary>
internal static class PostgresTrendsBench
{
    private sealed class Factory(string connectionString) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() =>
            new PostgresDashboardDbContext(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(connectionString).Options);
    }

    public static async Task RunAsync(int jobCount, string? connectionString, List<(string What, string Figure, string Target)> rows)
    {
        var cluster = connectionString is null ? PostgresCluster.Shared : null;
        try
        {
            var store = connectionString ?? await cluster!.CreateDatabaseAsync();
            await FillAndQueryAsync(jobCount, store, rows);
            foreach (var size in new[] { 10, 100, 500 })
            {
                var fresh = cluster is null ? null : await cluster.CreateDatabaseAsync();
                if (fresh is null) break; // a given database holds the big store: the write cost needs an empty one
                rows.AddRange(await SaveCostAsync(fresh, size, 2_000));
                await cluster!.DropDatabaseAsync(fresh);
            }
        }
        finally
        {
            cluster?.Stop();
        }
    }

    /// <summary>
    /// The write path's cost alone (<c>--postgres-save-cost [--save-jobs N]</c>): a save of one job at a time, then batches of
    /// 10 and 100, each on an empty database of a throwaway cluster, with the round trips to the server counted.
    /// </summary>
    public static async Task SaveCostOnlyAsync(int count, List<(string What, string Figure, string Target)> rows)
    {
        var cluster = PostgresCluster.Shared;
        try
        {
            foreach (var size in new[] { 1, 10, 100 })
            {
                var fresh = await cluster.CreateDatabaseAsync();
                rows.AddRange(await SaveCostAsync(fresh, size, count));
                await cluster.DropDatabaseAsync(fresh);
            }
        }
        finally
        {
            cluster.Stop();
        }
    }

    private static async Task FillAndQueryAsync(int jobCount, string connectionString, List<(string, string, string)> rows)
    {
        var factory = new Factory(connectionString);
        var writer = new RollupWriter(RollupZone.Utc);
        var migrator = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
        using var gate = new StoreWriter(factory, migrator);
        var historyWriter = new HistoryWriter(gate, [writer]);
        await migrator.EnsureReadyAsync();
        long held;
        await using (var db = factory.CreateDbContext()) held = await db.Jobs.LongCountAsync();
        if (held < jobCount)
        {
            var fill = new HistoryBulkFill(historyWriter, [writer], TimeProvider.System, NullLogger<HistoryBulkFill>.Instance);
            var sw = Stopwatch.StartNew();
            for (var start = (int)held; start < jobCount; start += 100_000)
            {
                await fill.FillAsync(Enumerable.Range(start, Math.Min(100_000, jobCount - start)).Select(i => TrendsBench.Job(i, jobCount)), HistorySource.Details);
                Console.Error.WriteLine($"  PostgreSQL trends store: {Math.Min(start + 100_000, jobCount):N0} of {jobCount:N0} jobs, {sw.Elapsed.TotalSeconds:0} s, load {TrendsBench.Load()}");
            }
            rows.Add(($"PostgreSQL: bulk fill of the trends store (HistoryBulkFill, binary COPY), {jobCount - held:N0} jobs",
                $"{sw.Elapsed.TotalMinutes:0.0} min, of which rollups {writer.Spent.TotalMinutes:0.0} min; load average {TrendsBench.Load()}", "≤ 30 min"));
            await using var db = factory.CreateDbContext();
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }
        long steps;
        await using (var db = factory.CreateDbContext()) steps = await db.Steps.LongCountAsync();
        rows.Add(("PostgreSQL: trends store", $"{jobCount:N0} jobs, {steps:N0} steps", "1,000,000 jobs, ~7M steps"));

        var query = new TrendsQuery(factory, RollupZone.Utc, new TrendsBench.NoNames(), new TrendsBench.FixedClock(TrendsBench.Now));
        const string files = "EXISTS (SELECT 1 FROM \"Tasks\" t WHERE t.\"JobId\" = j.\"Id\" AND t.\"FileType\" = 'raster')";
        foreach (var (name, view, where) in new (string, TrendsViewState, string)[]
                 {
                     ("90 days by week", new() { Days = 90, Group = TrendGrouping.Week }, "TRUE"),
                     ("90 days by week, one workflow", new() { Days = 90, Group = TrendGrouping.Week, Workflow = "wf_3" }, "j.\"WorkflowId\" = 'wf_3'"),
                     ("90 days by week, files, one file type", new() { Days = 90, Group = TrendGrouping.Week, Unit = TrendUnit.Files, FileType = "raster" }, files),
                     ("90 days by week, one channel and one workflow (daily rows: two filters)", new() { Days = 90, Group = TrendGrouping.Week, Channel = "web", Workflow = "wf_3" },
                         "j.\"Channel\" = 'web' AND j.\"WorkflowId\" = 'wf_3'"),
                     ("30 days by day", new() { Days = 30, Group = TrendGrouping.Day }, "TRUE"),
                     ("365 days by month", new() { Days = 365, Group = TrendGrouping.Month }, "TRUE"),
                 })
        {
            await query.LoadAsync(view);
            var samples = new List<double>();
            for (var i = 0; i < 21; i++)
            {
                var sw = Stopwatch.StartNew();
                await query.LoadAsync(view);
                samples.Add(sw.Elapsed.TotalMilliseconds);
            }
            var raw = RawAggregate(connectionString, view.Days, where);
            var p50 = TrendsBench.Pct(samples, 50);
            rows.Add(($"PostgreSQL: trends page query (TrendsQuery.LoadAsync), {name}",
                $"p50 {p50:0.0} ms, p95 {TrendsBench.Pct(samples, 95):0.0} ms; psql over raw steps (same range and filter): {raw:0} ms; ratio {p50 / raw:0.000}; load average {TrendsBench.Load()}",
                "90 days by week ≤ 50 ms p50 and ≤ 0.1 of raw"));
        }
    }

    /// <summary>The write path's cost per job on PostgreSQL, as <see cref="TrendsBench.SaveCostsAsync"/> measures it on SQLite.</summary>
    private static async Task<List<(string, string, string)>> SaveCostAsync(string connectionString, int size, int count)
    {
        var factory = new Factory(connectionString);
        var writer = new RollupWriter(RollupZone.Utc);
        var migrator = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
        using var gate = new StoreWriter(factory, migrator);
        var store = new JobWriter(new HistoryWriter(gate, [writer]), TimeProvider.System, NullLogger<JobWriter>.Instance);
        await migrator.EnsureReadyAsync();
        const int perDay = 2_740;
        await store.SaveJobsAsync(Enumerable.Range(0, 100).Select(i => TrendsBench.Job(i, perDay * 365)).ToList(), HistorySource.Details); // warm-up
        var spentBefore = writer.Spent;
        // Each command or batch Npgsql sends is one activity: one round trip (a transaction's BEGIN rides with its first).
        long roundTrips = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = _ => Interlocked.Increment(ref roundTrips),
        };
        ActivitySource.AddActivityListener(listener);
        var sw = Stopwatch.StartNew();
        for (var start = 100; start < 100 + count; start += size)
        {
            await store.SaveJobsAsync(Enumerable.Range(start, size).Select(i => TrendsBench.Job(i, perDay * 365)).ToList(), HistorySource.Details);
        }
        var rollups = writer.Spent - spentBefore;
        var saved = sw.Elapsed;
        NpgsqlConnection.ClearAllPools();
        return
        [
            ($"PostgreSQL: history save with rollups, {count:N0} jobs of one day (2,740 a day) in batches of {size}",
                $"{saved.TotalMilliseconds * 1000 / count:0} µs per job, of which rollups {rollups.TotalMilliseconds * 1000 / count:0} µs ({rollups / saved:P0}); " +
                $"{(double)roundTrips * size / count:0.0} round trips per save; load average {TrendsBench.Load()}",
                "rollups ≤ 10% of a save"),
        ];
    }

    /// <summary>The same figures straight from the steps by psql: outcomes per week, count and duration per week and step type, top reasons.</summary>
    private static double RawAggregate(string connectionString, int days, string where)
    {
        var from = TrendsBench.Now.AddDays(-days).ToUnixTimeMilliseconds();
        var week = "date_trunc('week', to_timestamp(j.\"CreatedAt\" / 1000.0))";
        var sql = $"""
            SELECT {week} AS week, j."Outcome", COUNT(*) FROM "Jobs" j WHERE j."IsTerminal" AND j."CreatedAt" >= {from} AND {where} GROUP BY 1, 2;
            SELECT {week} AS week, s."Type", COUNT(*), AVG(s."DurationMs"), MIN(s."DurationMs"), MAX(s."DurationMs")
              FROM "Steps" s JOIN "Jobs" j ON j."Id" = s."JobId" WHERE j."IsTerminal" AND j."CreatedAt" >= {from} AND {where} GROUP BY 1, 2;
            SELECT s."Reason", COUNT(*) FROM "Steps" s JOIN "Jobs" j ON j."Id" = s."JobId" WHERE j."CreatedAt" >= {from} AND {where} AND s."Outcome" IN ('fail', 'warn') GROUP BY 1 ORDER BY 2 DESC LIMIT 15;
            """;
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var conninfo = $"host={c.Host} port={c.Port} user={c.Username} dbname={c.Database}";
        var samples = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("psql", [conninfo, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-c", sql])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("psql failed: " + error);
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        return TrendsBench.Pct(samples, 50);
    }
}
