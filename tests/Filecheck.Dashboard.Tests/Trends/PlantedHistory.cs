using Filecheck.Api.Models;
using Filecheck.Dashboard.Trends;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Trends;

/// <summary>Names for the tests' IDs, as the library endpoints would give them.</summary>
public sealed class FixedNames : ITrendNames
{
    public Task<string?> WorkflowAsync(string id, CancellationToken ct) => Task.FromResult<string?>(id switch
    {
        "wf_cards" => "Business cards",
        "wf_flyers" => "Flyers & leaflets",
        _ => null,
    });

    public Task<string?> RuleAsync(string id, CancellationToken ct) => Task.FromResult<string?>(id == "rule_cards" ? "Business cards 85×55 mm" : null);
}

/// <summary>
/// A history written through the store's own save path, with changes planted between the previous 30 days and the
/// last 30: each side has <c>jobsPerSide</c> jobs per workflow, at the given pass rates and preflight durations.
/// </summary>
public static class PlantedHistory
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Now);

    public sealed record Side(double CardsPassRate, double FlyersPassRate, int PreflightMs, int ValidateMs);

    public static async Task WriteAsync(RollupHarness harness, Side before, Side after, int jobsPerSide = 120)
    {
        var jobs = new List<Job>();
        var n = 0;
        foreach (var (side, daysBack) in new[] { (before, 45), (after, 15) })
        {
            foreach (var (workflow, rate) in new[] { ("wf_cards", side.CardsPassRate), ("wf_flyers", side.FlyersPassRate) })
            {
                var passes = (int)Math.Round(rate * jobsPerSide);
                for (var i = 0; i < jobsPerSide; i++)
                {
                    n++;
                    // Spread over ten days around the side's middle, so both halves have weeks of data.
                    var created = Now.AddDays(-daysBack + (i % 10) - 5).AddMinutes(n);
                    var pass = i < passes;
                    var outcome = pass ? "pass" : i % 2 == 0 ? "fail" : "warn";
                    var start = created.AddSeconds(5);
                    var preflightEnd = start.AddMilliseconds(side.PreflightMs + i % 7);
                    var validateStart = preflightEnd.AddMilliseconds(200);
                    jobs.Add(new Job
                    {
                        Id = $"job_planted_{n:00000}", CreatedAt = created, ModifiedAt = created.AddMinutes(2), Status = "done", Outcome = outcome,
                        Channel = "web", WorkflowId = workflow, RuleId = workflow == "wf_cards" ? "rule_cards" : null,
                        Tasks =
                        [
                            new JobTask
                            {
                                Id = "task_1", Status = "done", Outcome = outcome, FileType = "pdf",
                                Steps =
                                [
                                    new Step { Id = "step_preflight", Type = "preflight", Status = "done", Outcome = outcome,
                                        Reason = pass ? null : $"Image on page {i % 9 + 1} is {90 + i % 50} dpi",
                                        Started = start, Ended = preflightEnd, Duration = side.PreflightMs + i % 7 },
                                    new Step { Id = "step_validate", Type = "validate", Status = "done", Outcome = "pass",
                                        Started = validateStart, Ended = validateStart.AddMilliseconds(side.ValidateMs), Duration = side.ValidateMs },
                                ],
                            },
                        ],
                    });
                }
            }
        }
        foreach (var chunk in jobs.Chunk(100)) await harness.Store.SaveJobsAsync(chunk, "details");
    }

    public static TrendsViewState Last30Days => new() { Days = 30, Group = TrendGrouping.Week };
}
