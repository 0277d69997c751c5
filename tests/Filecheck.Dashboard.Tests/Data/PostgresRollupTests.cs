using CsCheck;
using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Dashboard.Tests.Trends;
using Filecheck.Testing;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// The rollups on PostgreSQL: the same property as on SQLite (random saves, list updates, re-fetches and pruning, then
/// the rollups equal a recomputation, before and after a rebuild), and the same with four writers at once, each with its
/// own connection and its own write gate, as four dashboard instances would be.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRollupTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private readonly PostgresContexts _db = new(database.ConnectionString);

    [Fact]
    public async Task Rollups_RandomInterleavingsOfSavesUpdatesRefetchesAndPruning_EqualARecomputation()
    {
        // Fewer cases than on SQLite (60, here 12): the same code runs, and the PostgreSQL tests must stay within a minute or two.
        await RollupPropertyTests.GenOp.Array[1, 24].SampleAsync(async ops =>
        {
            await _db.EmptyAsync();
            using var harness = new RollupHarness(RollupPropertyTests.Berlin, database.ConnectionString);
            await harness.Migrator.EnsureReadyAsync();
            await RollupPropertyTests.CheckAsync(ops, harness);
        }, iter: 12, threads: 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Rollups_FourWritersSavingTheSameJobsAtOnce_EqualARecomputationOfTheNewestAnswers(int seed)
    {
        await _db.EmptyAsync();
        var writers = Enumerable.Range(0, 4).Select(_ => new RollupHarness(RollupPropertyTests.Berlin, database.ConnectionString)).ToList();
        try
        {
            await writers[0].Migrator.EnsureReadyAsync();
            // Each writer saves new answers for six shared jobs and sometimes an answer it saved before (older by then):
            // whatever the interleaving, each job ends as its newest answer, and the rollups count exactly that.
            var plans = Enumerable.Range(0, writers.Count).Select(w => Plan(w, writers.Count, new Random(seed * 100 + w))).ToList();

            await Task.WhenAll(writers.Select((writer, w) => Task.Run(async () =>
            {
                foreach (var job in plans[w]) await writer.Store.SaveJobAsync(job, HistorySource.Details);
            })));

            var newest = plans.SelectMany(p => p).GroupBy(j => j.Id).Select(g => g.MaxBy(j => j.ModifiedAt)!).ToList();
            var expected = RollupSnapshot.Recompute(newest.Select(j => (j, (Job?)j)), RollupPropertyTests.Berlin);
            RollupPropertyTests.AssertSame(expected, await RollupSnapshot.ReadAsync(_db), "four writers");
        }
        finally
        {
            foreach (var writer in writers) writer.Dispose();
        }
    }

    private static List<Job> Plan(int writer, int writers, Random rng)
    {
        var saves = new List<Job>();
        for (var op = 0; op < 12; op++)
        {
            if (saves.Count > 0 && rng.Next(4) == 0)
            {
                saves.Add(saves[rng.Next(saves.Count)]); // a re-fetch of an answer this writer saw before
                continue;
            }
            var job = rng.Next(6);
            var full = RollupPropertyTests.FullJob("job_many_" + job, RollupPropertyTests.Origin.AddHours(job * 7),
                RollupPropertyTests.Origin.AddDays(30).AddSeconds(op * writers + writer), rng);
            // The store keeps a known rule when a later answer leaves it out: one rule per job keeps "newest wins" exact.
            saves.Add(full with { RuleId = job % 2 == 0 ? "rule_a" : null });
        }
        return saves;
    }
}
