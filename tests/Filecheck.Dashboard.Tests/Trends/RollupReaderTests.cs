using System.Text.Json;
using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard.Tests.Trends;

public sealed class RollupReaderTests
{
    [Fact]
    public void Decompose_RandomRanges_CoverEachDayOnceWithWholeWeeksAndMonths()
    {
        var rng = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var from = new DateOnly(2025, 1, 1).AddDays(rng.Next(0, 700));
            var to = from.AddDays(rng.Next(0, 400));
            var days = RollupGrain.Decompose(from, to)
                .SelectMany(s =>
                {
                    Assert.Equal(s.Start, RollupGrain.Start(s.Grain, s.Start));
                    return Enumerable.Range(0, RollupGrain.End(s.Grain, s.Start).DayNumber - s.Start.DayNumber + 1).Select(s.Start.AddDays);
                })
                .ToList();
            Assert.Equal(Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays), days);
        }
        // A quarter from mid-month: its whole months are read as months, the rest as weeks and days.
        var quarter = RollupGrain.Decompose(new DateOnly(2026, 9, 2), new DateOnly(2026, 11, 30));
        Assert.Equal(2, quarter.Count(s => s.Grain == RollupGrain.Month));
        Assert.True(quarter.Count <= 16, $"{quarter.Count} slots");
    }

    [Fact]
    public async Task LoadAsync_MarginalsAndDailyRows_GiveTheSameReportForEveryKindOfView()
    {
        using var h = new RollupHarness(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        await WriteMixedHistoryAsync(h);
        var fast = new TrendsQuery(h.Db, new RollupZone(h.Writer.Zone), new FixedNames(), PlantedHistory.Clock());
        var daily = new TrendsQuery(h.Db, new RollupZone(h.Writer.Zone), new FixedNames(), PlantedHistory.Clock()) { DailyRowsOnly = true };

        TrendsViewState[] views =
        [
            new() { Days = 90, Group = TrendGrouping.Week },
            new() { Days = 180, Group = TrendGrouping.Month, Unit = TrendUnit.Files },
            new() { Days = 30, Group = TrendGrouping.Day, Workflow = "wf_b" },
            new() { Days = 90, Group = TrendGrouping.Week, Unit = TrendUnit.Files, FileType = "raster" },
            new() { Days = 90, Group = TrendGrouping.Week, Channel = "api", StepType = "preflight" },
            new() { Days = 90, Group = TrendGrouping.Week, Rule = Dimension.None },
            new() { Days = 365, Group = TrendGrouping.Week, Channel = "web", Workflow = "wf_a" },
            new() { Days = 90, Group = TrendGrouping.Month, Channel = "web", Workflow = "wf_a", FileType = "pdf", StepType = "validate" },
            new() { From = new DateOnly(2026, 7, 17), To = new DateOnly(2026, 10, 3), Group = TrendGrouping.Week },
        ];
        long inProgress = 0;
        foreach (var view in views)
        {
            var expected = JsonSerializer.Serialize(await daily.LoadAsync(view));
            var report = await fast.LoadAsync(view);
            var actual = JsonSerializer.Serialize(report);
            Assert.True(expected == actual, $"view {view.ToQuery()}:\nexpected {expected}\nactual   {actual}");
            // Unfinished jobs are counted from the job rows: the same as a plain query over them.
            var (from, to) = view.Range(fast.Today());
            var (start, end) = JobsListQuery.UtcBounds(from, to, h.Writer.Zone);
            await using var db = h.Db.CreateDbContext();
            var running = db.Jobs.Where(j => !j.IsTerminal && j.CreatedAt >= start && j.CreatedAt < end);
            if (view.Channel is { } c) { var x = c == Dimension.None ? null : c; running = running.Where(j => j.Channel == x); }
            if (view.Workflow is { } w) { var x = w == Dimension.None ? null : w; running = running.Where(j => j.WorkflowId == x); }
            if (view.Rule is { } r) { var x = r == Dimension.None ? null : r; running = running.Where(j => j.RuleId == x); }
            Assert.Equal(await running.LongCountAsync(), report.InProgress);
            inProgress += report.InProgress;
        }
        Assert.True(inProgress > 0, "some views hold running jobs");
        Assert.Contains("\"Pass\":", JsonSerializer.Serialize(await fast.LoadAsync(views[0])));
    }

    private static async Task WriteMixedHistoryAsync(RollupHarness h)
    {
        foreach (var chunk in MixedJobs(250).Chunk(250)) await h.Store.SaveJobsAsync(chunk, HistorySource.Details);
    }

    /// <summary>Jobs over most of a year on several channels, workflows, rules, file types and step types.</summary>
    internal static List<Job> MixedJobs(int count)
    {
        var rng = new Random(11);
        string?[] channels = ["web", "api", null];
        string?[] workflows = ["wf_a", "wf_b", "wf_c"];
        string?[] rules = ["rule_x", "rule_y", null];
        string?[] fileTypes = ["pdf", "raster", "vector"];
        string?[] stepTypes = ["preflight", "autofix", "validate"];
        string?[] outcomes = ["pass", "pass", "fixed", "warn", "fail", null];
        var jobs = new List<Job>();
        for (var n = 0; n < count; n++)
        {
            var created = PlantedHistory.Now.AddHours(-rng.Next(0, 24 * 400));
            var tasks = Enumerable.Range(0, rng.Next(1, 3)).Select(t =>
            {
                var at = created.AddSeconds(3);
                var steps = stepTypes.Select((type, s) =>
                {
                    var ms = rng.Next(50, 90_000);
                    var outcome = outcomes[rng.Next(outcomes.Length)];
                    var step = new Step
                    {
                        Id = $"step_{s}", Type = type, Status = "done", Outcome = outcome, Started = at, Ended = at.AddMilliseconds(ms), Duration = ms,
                        Reason = outcome is "fail" or "warn" ? $"Image on page {rng.Next(1, 9)} is {rng.Next(70, 200)} dpi" : null,
                    };
                    at = at.AddMilliseconds(ms + rng.Next(0, 900));
                    return step;
                }).ToList();
                return new JobTask { Id = $"task_{t}", Status = "done", Outcome = outcomes[rng.Next(outcomes.Length)], FileType = fileTypes[rng.Next(fileTypes.Length)], Steps = steps };
            }).ToList();
            jobs.Add(new Job
            {
                Id = $"job_mixed_{n:0000}", CreatedAt = created, ModifiedAt = created.AddMinutes(2), Status = rng.Next(20) == 0 ? "running" : "done",
                Outcome = outcomes[rng.Next(outcomes.Length)], Channel = channels[rng.Next(channels.Length)],
                WorkflowId = workflows[rng.Next(workflows.Length)], RuleId = rules[rng.Next(rules.Length)], Tasks = tasks,
            });
        }
        return jobs;
    }
}
