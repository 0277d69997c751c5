using System.Text.Json;
using CsCheck;
using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Trends;

/// <summary>
/// Random interleavings of the history's writes (full saves, list updates, identical re-fetches, retention pruning) on a
/// real SQLite store (PostgresRollupTests runs the same on PostgreSQL): afterwards the rollups equal a recomputation from the
/// jobs as last saved, and so does a rebuild.
/// </summary>
public sealed class RollupPropertyTests
{
    internal static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    // Late evening UTC: in Berlin some of these jobs already count on the next day.
    internal static readonly DateTimeOffset Origin = new(2026, 10, 30, 21, 0, 0, TimeSpan.Zero);

    public sealed record Op(int Job, int Kind, int Seed);

    internal static readonly Gen<Op> GenOp = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[0, int.MaxValue], (j, k, s) => new Op(j, k, s));

    [Fact]
    public async Task Rollups_RandomInterleavingsOfSavesUpdatesRefetchesAndPruning_EqualARecomputation()
    {
        await GenOp.Array[1, 24].SampleAsync(async ops =>
        {
            using var harness = new RollupHarness(Berlin);
            await harness.Migrator.EnsureReadyAsync();
            await CheckAsync(ops, harness);
        }, iter: 60, threads: 1);
    }

    /// <summary>Runs <paramref name="ops"/> on the harness's store, then compares its rollups with a recomputation, before and after a rebuild.</summary>
    internal static async Task CheckAsync(Op[] ops, RollupHarness harness)
    {
        var rows = new Dictionary<string, Job>();
        var details = new Dictionary<string, Job>();
        var pruned = new HashSet<string>();
        var version = 0;
        foreach (var op in ops)
        {
            version++;
            var id = "job_prop_" + op.Job;
            var created = Origin.AddHours(op.Job * 7);
            var modified = Origin.AddDays(30).AddSeconds(version);
            var rng = new Random(op.Seed);
            switch (op.Kind)
            {
                case <= 4: // a full fetch: outcome changes, steps added
                {
                    var job = FullJob(id, created, modified, rng);
                    await harness.Store.SaveJobAsync(job, HistorySource.Details);
                    rows[id] = Merged(rows.GetValueOrDefault(id), job);
                    details[id] = job;
                    pruned.Remove(id);
                    break;
                }
                case 5 or 6: // a list page: new status or outcome, details kept
                {
                    var lean = new Job
                    {
                        Id = id, CreatedAt = created, ModifiedAt = modified, Status = Pick(rng, Statuses), Outcome = Pick(rng, Outcomes),
                        Channel = rng.Next(3) == 0 ? null : Pick(rng, Channels), WorkflowId = rows.ContainsKey(id) ? null : Pick(rng, Workflows),
                    };
                    await harness.Store.SaveListPageAsync([lean], null);
                    rows[id] = rows.TryGetValue(id, out var before)
                        ? before with { ModifiedAt = modified, Status = lean.Status, Outcome = lean.Outcome, Channel = lean.Channel ?? before.Channel }
                        : lean;
                    break;
                }
                case 7 or 8: // the same full answer again (a re-fetch), unless a newer state is held
                {
                    if (!details.TryGetValue(id, out var again)) break;
                    await harness.Store.SaveJobAsync(again, HistorySource.Lookup);
                    if (rows[id].ModifiedAt > again.ModifiedAt) break; // an older answer is ignored
                    rows[id] = Merged(rows[id], again);
                    pruned.Remove(id);
                    break;
                }
                default: // retention: steps of the oldest jobs removed, their rollups kept
                {
                    var cutoff = Origin.AddHours(rng.Next(0, 40));
                    await harness.Store.PruneStepDetailsAsync(cutoff);
                    foreach (var (jobId, row) in rows)
                        if (row.CreatedAt < cutoff && row.IsTerminal) pruned.Add(jobId);
                    break;
                }
            }
        }
        var expected = RollupSnapshot.Recompute(rows.Select(r => (r.Value, details.GetValueOrDefault(r.Key))), Berlin);
        var actual = await RollupSnapshot.ReadAsync(harness.Db);
        AssertSame(expected, actual, "incremental");

        if (ops.Length % 2 == 0 && await HasDailyRowsAsync(harness))
        {
            // A store that predates the marginals: found at start, and the rebuild sums them (pruned days included).
            await using (var db = harness.Db.CreateDbContext())
            {
                await db.Set<OutcomeMarginal>().ExecuteDeleteAsync();
                await db.Set<StepMarginal>().ExecuteDeleteAsync();
                await db.Set<ReasonMarginal>().ExecuteDeleteAsync();
            }
            Assert.True(await harness.Rebuild.NeedsRebuildAsync(CancellationToken.None));
        }
        await harness.Rebuild.RunAsync(CancellationToken.None);
        Assert.Null(harness.Rebuild.Progress.Error);
        AssertSame(expected, await RollupSnapshot.ReadAsync(harness.Db), "rebuilt");
    }

    private static async Task<bool> HasDailyRowsAsync(RollupHarness harness)
    {
        await using var db = harness.Db.CreateDbContext();
        return await db.Set<OutcomeRollup>().AnyAsync() && await db.Jobs.AnyAsync(j => j.IsTerminal);
    }

    /// <summary>The store keeps a known channel, workflow or rule when a later answer leaves it out.</summary>
    private static Job Merged(Job? before, Job now) => before is null ? now : now with
    {
        CreatedAt = now.CreatedAt ?? before.CreatedAt,
        Channel = now.Channel ?? before.Channel,
        WorkflowId = now.WorkflowId ?? before.WorkflowId,
        RuleId = now.RuleId ?? before.RuleId,
    };

    internal static void AssertSame(RollupSnapshot expected, RollupSnapshot actual, string what)
    {
        Assert.True(expected.Outcomes.SequenceEqual(actual.Outcomes), $"{what} outcomes:\nexpected {Dump(expected.Outcomes)}\nactual   {Dump(actual.Outcomes)}");
        Assert.True(expected.Steps.SequenceEqual(actual.Steps), $"{what} steps:\nexpected {Dump(expected.Steps)}\nactual   {Dump(actual.Steps)}");
        Assert.True(expected.Reasons.SequenceEqual(actual.Reasons), $"{what} reasons:\nexpected {Dump(expected.Reasons)}\nactual   {Dump(actual.Reasons)}");
    }

    private static string Dump<T>(SortedDictionary<string, T> d) => string.Join("\n         ", d.Select(p => $"{p.Key} = {p.Value}"));

    private static readonly string?[] Statuses = ["done", "done", "error", "running", "skipped"];
    private static readonly string?[] Outcomes = ["pass", "fixed", "warn", "fail", "mixed", null, "unchanged", "brand-new-word"];
    private static readonly string?[] Channels = ["web", "api", "print-shop"];
    private static readonly string?[] Workflows = ["wf_cards", "wf_flyers"];
    private static readonly string?[] FileTypes = ["pdf", "raster", null];
    private static readonly string?[] StepTypes = ["preflight", "autofix", "validate", null];
    private static readonly string?[] Reasons = ["Image on page 3 is 150 dpi", "Image on page 7 is 96 dpi", null, "Font Helvetica is not embedded in flyer.pdf"];

    private static T Pick<T>(Random rng, T[] values) => values[rng.Next(values.Length)];

    internal static Job FullJob(string id, DateTimeOffset created, DateTimeOffset modified, Random rng)
    {
        var tasks = new List<JobTask>();
        var taskCount = rng.Next(0, 3);
        for (var t = 0; t < taskCount; t++)
        {
            var steps = new List<Step>();
            var at = created.AddSeconds(rng.Next(0, 5));
            var stepCount = rng.Next(0, 4);
            for (var s = 0; s < stepCount; s++)
            {
                var duration = rng.Next(1, 200_000) + rng.Next(0, 10) / 10.0;
                var started = at.AddMilliseconds(rng.Next(0, 3) * 250);
                var ended = started.AddMilliseconds(duration);
                var outcome = Pick(rng, Outcomes);
                var withDuration = rng.Next(4) > 0;
                steps.Add(new Step
                {
                    Id = $"step_{t}_{s}", Type = Pick(rng, StepTypes), Status = rng.Next(6) == 0 ? "error" : "done", Outcome = outcome,
                    Reason = Pick(rng, Reasons),
                    Started = rng.Next(8) == 0 ? null : started, Ended = ended, Duration = withDuration ? duration : null,
                    Outputs = rng.Next(2) == 0 ? null : [new StepOutput { Kind = "report", Body = Findings(rng) }],
                });
                at = ended;
            }
            tasks.Add(new JobTask { Id = $"task_{t}", Status = "done", Outcome = Pick(rng, Outcomes), FileType = Pick(rng, FileTypes), Steps = steps });
        }
        return new Job
        {
            Id = id, CreatedAt = created, ModifiedAt = modified, Status = Pick(rng, Statuses), Outcome = Pick(rng, Outcomes),
            Channel = Pick(rng, Channels), WorkflowId = Pick(rng, Workflows), RuleId = rng.Next(2) == 0 ? "rule_a" : null, Tasks = tasks,
        };
    }

    private static JsonElement Findings(Random rng)
    {
        var checks = new[] { "Spot Colors", "Fonts Embedded", "Bleed Lines" }.Take(rng.Next(0, 3)).Select(c => new { check = c, severity = "warn" });
        return JsonSerializer.SerializeToElement(new { findings = checks });
    }
}
