using System.Diagnostics;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// The rollup upserts on PostgreSQL cost round trips by the tables a save touches, never by its rows: the statements that
/// return nothing ride with the next round trip. Round trips are Npgsql's own activities under this test's trace.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRollupUpsertsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly string[] Dims = ["Day", "Channel", "WorkflowId", "RuleId", "FileType"];
    private static readonly string[] Counters = ["JobPass", "JobFixed", "JobWarn", "JobFail", "JobOther", "FilePass", "FileFixed", "FileWarn", "FileFail", "FileOther"];
    private static readonly byte[] Buckets = DurationBuckets.Encode([(DurationBuckets.IndexOf(120), 1L)]);

    private static void Bind(IRowBinder s, string workflow)
    {
        s.Bind(1, "2026-12-01");
        s.Bind(2, "web");
        s.Bind(3, workflow);
        s.Bind(4, "rule_1");
        s.Bind(5, OutcomeRollup.AllFileTypes);
    }

    /// <summary>Outcomes, step histograms and reasons for <paramref name="rows"/> workflows, each row <paramref name="sign"/> once.</summary>
    private static async Task ApplyAsync(DashboardDbContext db, int rows, int sign)
    {
        var workflows = Enumerable.Range(0, rows).Select(i => $"wf_{i:D3}").ToList();
        var upserts = RollupUpserts.For(db);
        await upserts.CountsAsync("RollupOutcomes", Dims, Counters,
            workflows.Select(w => KeyValuePair.Create(w, new[] { sign, 0, 0, 0, 0, 2 * sign, 0, 0, 0, 0 })), Bind, default);
        await upserts.HistogramsAsync("RollupSteps", [.. Dims, "StepType", "Kind"],
            workflows.Select(w => KeyValuePair.Create(w, new RollupUpserts.Histogram(sign, 120L * sign, sign > 0 ? Buckets : DurationBuckets.Encode([(DurationBuckets.IndexOf(120), -1L)]), sign < 0))),
            (s, w) =>
            {
                Bind(s, w);
                s.Bind(6, "preflight");
                s.Bind(7, StepRollup.Duration);
            }, default);
        await upserts.CountsAsync("RollupReasons", [.. Dims, "StepType", "Severity", "Reason"], ["Count"],
            workflows.Select(w => KeyValuePair.Create(w, new[] { sign })), (s, w) =>
            {
                Bind(s, w);
                s.Bind(6, "preflight");
                s.Bind(7, "fail");
                s.Bind(8, "Font not embedded");
            }, default);
        await upserts.FlushAsync(default);
    }

    private async Task<long> InTransactionAsync(PostgresContexts contexts, Func<DashboardDbContext, Task> work)
    {
        long roundTrips = 0;
        ActivityTraceId? trace = null;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = a =>
            {
                if (a.Source.Name == "Npgsql" && a.TraceId == trace) Interlocked.Increment(ref roundTrips);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var db = contexts.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        // A trace of this test's own: Npgsql's activities started within it are this work's round trips.
        using (var parent = new Activity("rollups").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            trace = parent.TraceId;
            await work(db);
        }
        await transaction.CommitAsync();
        return roundTrips;
    }

    [Fact]
    public async Task Upserts_ThreeTablesOf200RowsEach_OneRoundTripPerHistogramTablePlusOne_AndTheRowsAddUpAndGo()
    {
        using var harness = new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString);
        await harness.Migrator.EnsureReadyAsync();
        var contexts = new PostgresContexts(database.ConnectionString);
        await contexts.EmptyAsync();

        var roundTrips = await InTransactionAsync(contexts, db => ApplyAsync(db, 200, +1));
        await InTransactionAsync(contexts, db => ApplyAsync(db, 200, +1));

        // The histogram's locking read (with the outcomes before it), then the rest at the end.
        Assert.Equal(2, roundTrips);
        await using (var db = contexts.CreateDbContext())
        {
            var outcomes = await db.Set<OutcomeRollup>().ToListAsync();
            Assert.Equal(200, outcomes.Count);
            Assert.All(outcomes, o => Assert.Equal((2, 4), (o.JobPass, o.FilePass)));
            var steps = await db.Set<StepRollup>().ToListAsync();
            Assert.Equal(200, steps.Count);
            Assert.All(steps, s => Assert.Equal((2L, 240L, 2L), (s.Count, s.SumMs, DurationBuckets.FromBytes(s.Buckets).Count)));
            Assert.Equal(200, await db.Set<ReasonRollup>().CountAsync(r => r.Count == 2));
        }

        await InTransactionAsync(contexts, db => ApplyAsync(db, 200, -1));
        await InTransactionAsync(contexts, db => ApplyAsync(db, 200, -1));

        await using (var db = contexts.CreateDbContext())
        {
            Assert.Equal((0, 0, 0), (await db.Set<OutcomeRollup>().CountAsync(), await db.Set<StepRollup>().CountAsync(), await db.Set<ReasonRollup>().CountAsync()));
        }
    }
}
