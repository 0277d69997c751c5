using System.Text.Json.Nodes;
using Filecheck.Sandbox.Generation;
using Xunit.Abstractions;

namespace Filecheck.Sandbox.Tests;

/// <summary>
/// One sandbox with the default history (what the README's run command shows), read over HTTP the way the dashboard's
/// sync reads it: every lean job from <c>GET /jobs</c>, and the full job for everything created in the last 60 days.
/// </summary>
public sealed class StoryFixture : IAsyncLifetime
{
    public const int DetailDays = 60;

    public Sandbox Sandbox { get; private set; } = null!;
    public List<JsonObject> Lean { get; } = [];
    public List<JsonObject> Full { get; } = [];
    public DateTimeOffset Start { get; private set; }
    public SandboxStory Story => Sandbox.Server.Jobs.Story;

    public async Task InitializeAsync()
    {
        Sandbox = await Sandbox.StartAsync(o =>
        {
            var defaults = new SandboxOptions();
            o.JobCount = defaults.JobCount;
            o.Days = defaults.Days;
            o.NewJobEvery = null;
        });
        Start = Sandbox.Clock.GetUtcNow();
        Lean.AddRange(await StoryData.AllLeanJobs(Sandbox));
        var from = Start.AddDays(-DetailDays);
        var recent = Lean.Where(j => StoryData.Created(j) >= from).Select(j => (string)j["id"]!).ToArray();
        var bodies = new JsonObject[recent.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, recent.Length), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            bodies[i] = (await Sandbox.GetJsonAsync("/jobs/" + recent[i]))["job"]!.AsObject());
        Full.AddRange(bodies);
    }

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

internal static class StoryData
{
    public static async Task<List<JsonObject>> AllLeanJobs(Sandbox sb)
    {
        var all = new List<JsonObject>();
        string? next = null;
        do
        {
            var page = await sb.GetJsonAsync("/jobs?limit=100" + (next is null ? "" : "&nextKey=" + Uri.EscapeDataString(next)));
            all.AddRange(page["jobs"]!.AsArray().Select(j => j!.AsObject()));
            next = (string?)page["nextKey"];
        } while (next is not null);
        return all;
    }

    public static DateTimeOffset Created(JsonNode job) => DateTimeOffset.Parse((string)job["createdAt"]!);

    public static bool Finished(JsonNode job) => (string?)job["status"] is "done" or "error" or "skipped";

    public static IEnumerable<JsonObject> Steps(JsonNode job, string type) =>
        job["tasks"]!.AsArray().SelectMany(t => TaskSteps(t!, type));

    public static IEnumerable<JsonObject> TaskSteps(JsonNode task, string type) =>
        task["steps"]!.AsArray().Select(s => s!.AsObject()).Where(s => (string)s["type"]! == type);

    /// <summary>Two-sided two-proportion z statistic (pooled).</summary>
    public static double Z(int x1, int n1, int x2, int n2)
    {
        if (n1 == 0 || n2 == 0) return 0;
        var p = (double)(x1 + x2) / (n1 + n2);
        var se = Math.Sqrt(p * (1 - p) * (1.0 / n1 + 1.0 / n2));
        return se == 0 ? 0 : ((double)x2 / n2 - (double)x1 / n1) / se;
    }

    /// <summary>Two-sided p-value of a z statistic (Abramowitz-Stegun erfc approximation, good to 1e-7).</summary>
    public static double P(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-x * x);
        return erfc;
    }

    /// <summary>Holm's step-down at family-wise <paramref name="alpha"/>: the names of the rejected hypotheses.</summary>
    public static HashSet<string> Holm(IReadOnlyList<(string Name, double P)> tests, double alpha = 0.05)
    {
        var flagged = new HashSet<string>();
        var ordered = tests.OrderBy(t => t.P).ToArray();
        for (var i = 0; i < ordered.Length; i++)
        {
            if (ordered[i].P >= alpha / (ordered.Length - i)) break;
            flagged.Add(ordered[i].Name);
        }
        return flagged;
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

public sealed class StoryTests(StoryFixture data, ITestOutputHelper output) : IClassFixture<StoryFixture>
{
    private readonly record struct Rate(int Pass, int Fail, int Jobs)
    {
        public double PassRate => Jobs == 0 ? double.NaN : (double)Pass / Jobs;
        public double FailRate => Jobs == 0 ? double.NaN : (double)Fail / Jobs;
        public override string ToString() => $"{Jobs} jobs, pass {PassRate:P1}, fail {FailRate:P1}";
    }

    private Rate RateOf(Func<JsonObject, bool> where, DateTimeOffset from, DateTimeOffset to)
    {
        var jobs = data.Lean.Where(j => StoryData.Finished(j) && StoryData.Created(j) >= from && StoryData.Created(j) < to && where(j)).ToArray();
        return new Rate(jobs.Count(j => (string?)j["outcome"] == "pass"), jobs.Count(j => (string?)j["outcome"] == "fail"), jobs.Length);
    }

    private static string? Workflow(JsonObject j) => (string?)j["workflowId"];

    /// <summary>The comparisons a "what changed" panel makes for a range of <paramref name="days"/> against the one before it.</summary>
    private List<(string Name, double P, Rate Before, Rate After)> PassRateFamily(int days)
    {
        var to = data.Start;
        var mid = to.AddDays(-days);
        var from = mid.AddDays(-days);
        var family = new List<(string, double, Rate, Rate)>();
        void Add(string name, Func<JsonObject, bool> where)
        {
            var before = RateOf(where, from, mid);
            var after = RateOf(where, mid, to);
            if (before.Jobs < 30 || after.Jobs < 30) return;
            family.Add((name, StoryData.P(StoryData.Z(before.Pass, before.Jobs, after.Pass, after.Jobs)), before, after));
        }
        foreach (var wf in data.Lean.Select(Workflow).Distinct()) Add("workflow:" + (wf ?? "(none)"), j => Workflow(j) == wf);
        foreach (var ch in data.Lean.Select(j => (string?)j["channel"]).Distinct()) Add("channel:" + ch, j => (string?)j["channel"] == ch);
        return family;
    }

    [Fact]
    public void RuleChange_WorkflowPassRate_FallsClearlyFromItsDate()
    {
        var at = data.Story.RuleChangeAt;
        bool Flyers(JsonObject j) => Workflow(j) == SandboxStory.RuleChangeWorkflow;
        var before = RateOf(Flyers, at.AddDays(-SandboxStory.RuleChangeDaysAgo), at);
        var after = RateOf(Flyers, at, data.Start);
        output.WriteLine($"{SandboxStory.RuleChangeWorkflow} before {at:yyyy-MM-dd}: {before}; after: {after}");

        Assert.InRange(before.Jobs, 30, int.MaxValue);
        Assert.InRange(after.Jobs, 30, int.MaxValue);
        Assert.True(before.PassRate - after.PassRate >= 0.15, $"pass rate {before.PassRate:P1} -> {after.PassRate:P1}");
        Assert.True(after.FailRate - before.FailRate >= 0.25, $"fail rate {before.FailRate:P1} -> {after.FailRate:P1}");
        Assert.True(StoryData.Z(before.Pass, before.Jobs, after.Pass, after.Jobs) < -4);
    }

    [Fact]
    public void RuleChange_FailingFilesOfTheWorkflow_NameTheNewCheck()
    {
        var message = Catalog.Check(SandboxStory.RuleChangeCheck).Issue[..40];
        var jobs = data.Full.Where(j => Workflow(j) == SandboxStory.RuleChangeWorkflow && StoryData.Finished(j)).ToArray();
        double Share(IEnumerable<JsonObject> js)
        {
            var reasons = js.SelectMany(j => StoryData.Steps(j, "preflight")).Select(s => (string?)s["reason"] ?? "").ToArray();
            return reasons.Length == 0 ? 0 : (double)reasons.Count(r => r.StartsWith(message, StringComparison.Ordinal)) / reasons.Length;
        }
        var before = Share(jobs.Where(j => StoryData.Created(j) < data.Story.RuleChangeAt));
        var after = Share(jobs.Where(j => StoryData.Created(j) >= data.Story.RuleChangeAt));
        output.WriteLine($"preflight reasons naming '{SandboxStory.RuleChangeCheck}': before {before:P1}, after {after:P1}");
        Assert.True(after - before >= 0.3, $"{before:P1} -> {after:P1}");
    }

    [Theory]
    [InlineData(30)]
    [InlineData(90)]
    public void PassRates_HolmAtFivePercent_FlagTheChangedWorkflowAndNoOther(int days)
    {
        var family = PassRateFamily(days);
        var flagged = StoryData.Holm(family.Select(f => (f.Name, f.P)).ToArray());
        foreach (var f in family.OrderBy(f => f.P))
            output.WriteLine($"{days}d {f.Name,-32} p={f.P:0.000000} before {f.Before} | after {f.After}{(flagged.Contains(f.Name) ? "  FLAGGED" : "")}");

        Assert.Contains("workflow:" + SandboxStory.RuleChangeWorkflow, flagged);
        Assert.DoesNotContain(flagged, n => n.StartsWith("workflow:", StringComparison.Ordinal) && n != "workflow:" + SandboxStory.RuleChangeWorkflow);
    }

    [Fact]
    public void OtherWorkflows_PassRate_StaysFlatAcrossTheRuleChange()
    {
        var at = data.Story.RuleChangeAt;
        foreach (var wf in data.Lean.Select(Workflow).Distinct().Where(w => w != SandboxStory.RuleChangeWorkflow))
        {
            var before = RateOf(j => Workflow(j) == wf, at.AddDays(-SandboxStory.RuleChangeDaysAgo), at);
            var after = RateOf(j => Workflow(j) == wf, at, data.Start);
            var z = StoryData.Z(before.Pass, before.Jobs, after.Pass, after.Jobs);
            output.WriteLine($"{wf ?? "(none)",-24} before {before} | after {after} | z {z:0.00}");
            Assert.True(Math.Abs(z) < 3.0, $"{wf}: {before.PassRate:P1} -> {after.PassRate:P1} (z {z:0.00})");
        }
    }

    [Fact]
    public void SlowStep_Validate_P95RisesFromItsDate_OtherStepsDoNot()
    {
        var at = data.Story.SlowStepFrom;
        var from = at.AddDays(-(data.Start - at).TotalDays);
        (double P50, double P95, int N) Of(string type, DateTimeOffset a, DateTimeOffset b)
        {
            var d = data.Full.Where(j => StoryData.Created(j) >= a && StoryData.Created(j) < b)
                .SelectMany(j => StoryData.Steps(j, type)).Where(s => s["duration"] is not null && (string?)s["status"] == "done")
                .Select(s => (double)s["duration"]!).ToArray();
            return (StoryData.Percentile(d, 0.5), StoryData.Percentile(d, 0.95), d.Length);
        }
        foreach (var type in new[] { SandboxStory.SlowStepType, "preflight", "previews" })
        {
            var before = Of(type, from, at);
            var after = Of(type, at, data.Start);
            output.WriteLine($"{type}: before p50 {before.P50:0} p95 {before.P95:0} ({before.N}); after p50 {after.P50:0} p95 {after.P95:0} ({after.N})");
            Assert.InRange(before.N, 30, int.MaxValue);
            Assert.InRange(after.N, 30, int.MaxValue);
            var ratio = after.P95 / before.P95;
            if (type == SandboxStory.SlowStepType) Assert.True(ratio >= 1.3, $"validate p95 x{ratio:0.00}");
            else Assert.True(ratio is > 0.8 and < 1.25, $"{type} p95 x{ratio:0.00}");
        }
    }

    [Fact]
    public void CommonReason_LowResolution_BecomesCommonFromItsDate_WithoutMovingOutcomes()
    {
        var at = data.Story.CommonReasonFrom;
        var from = at.AddDays(-SandboxStory.CommonReasonDaysAgo);
        (int With, int Flagged, int Files, int Failed) Of(DateTimeOffset a, DateTimeOffset b)
        {
            var steps = data.Full.Where(j => StoryData.Created(j) >= a && StoryData.Created(j) < b && Workflow(j) != SandboxStory.RuleChangeWorkflow)
                .SelectMany(j => j["tasks"]!.AsArray()).Select(t => (Task: t!, Step: StoryData.TaskSteps(t!, "preflight").FirstOrDefault()))
                .Where(x => x.Step is not null && (string?)x.Step["status"] == "done").ToArray();
            bool Has(JsonObject s) => s["outputs"]!.AsArray().Any(o => o!["body"]?["findings"]?.AsArray().Any(f => (string?)f!["check"] == SandboxStory.CommonReasonCheck) == true);
            return (steps.Count(x => Has(x.Step!)), steps.Count(x => x.Step!["reason"] is not null), steps.Length, steps.Count(x => (string?)x.Task["outcome"] == "fail"));
        }
        var before = Of(from, at);
        var after = Of(at, data.Start);
        output.WriteLine($"'{SandboxStory.CommonReasonCheck}' in flagged preflights: before {before.With}/{before.Flagged}, after {after.With}/{after.Flagged}; files failed {before.Failed}/{before.Files} -> {after.Failed}/{after.Files}");

        var shareBefore = (double)before.With / before.Flagged;
        var shareAfter = (double)after.With / after.Flagged;
        Assert.True(shareAfter >= 2.5 * shareBefore && shareAfter - shareBefore >= 0.15, $"{shareBefore:P1} -> {shareAfter:P1}");
        Assert.True(StoryData.Z(before.With, before.Flagged, after.With, after.Flagged) > 4);
        Assert.True(Math.Abs(StoryData.Z(before.Failed, before.Files, after.Failed, after.Files)) < 3.0, "the file fail rate moved");
    }

    [Fact]
    public void History_DefaultSpan_CoversAtLeast180DaysAnd5000Jobs()
    {
        Assert.True(data.Lean.Count >= 5000, $"{data.Lean.Count} jobs");
        var oldest = data.Lean.Min(StoryData.Created);
        Assert.True(data.Start - oldest >= TimeSpan.FromDays(179), $"oldest {oldest:O}");
    }

    [Fact]
    public void Volume_Weekends_HaveClearlyFewerJobsThanWeekdays()
    {
        var history = data.Lean.Where(j => StoryData.Created(j) < data.Start.Date.AddDays(-1)).ToArray();
        var perDay = history.GroupBy(j => StoryData.Created(j).UtcDateTime.Date).ToDictionary(g => g.Key, g => g.Count());
        double Mean(Func<DayOfWeek, bool> which)
        {
            var days = perDay.Where(kv => which(kv.Key.DayOfWeek)).Select(kv => kv.Value).ToArray();
            return days.Average();
        }
        var weekday = Mean(d => d is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        var weekend = Mean(d => d is DayOfWeek.Saturday or DayOfWeek.Sunday);
        output.WriteLine($"jobs per day: weekdays {weekday:0.0}, weekends {weekend:0.0}");
        Assert.True(weekend < 0.6 * weekday, $"weekend {weekend:0.0} vs weekday {weekday:0.0}");
    }

    [Fact]
    public void Volume_FollowsTheSeason_WinterBusierThanSummer()
    {
        // The default test clock starts in late July: the history's first weeks are in winter, its last ones in summer.
        var byMonth = data.Lean.GroupBy(j => (StoryData.Created(j).Year, StoryData.Created(j).Month))
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var (k, n) in byMonth.OrderBy(kv => kv.Key)) output.WriteLine($"{k.Year}-{k.Month:00}: {n}");
        // Growth alone (0.8 -> 1.2 over the span) would make June busier than February by half; the season reverses it.
        Assert.True(byMonth[(2026, 2)] > byMonth[(2026, 6)], $"February {byMonth[(2026, 2)]}, June {byMonth[(2026, 6)]}");
    }

    [Fact]
    public async Task Story_SameSeed_SameHistoryAndDates()
    {
        await using var again = await Sandbox.StartAsync(o =>
        {
            var defaults = new SandboxOptions();
            o.JobCount = defaults.JobCount;
            o.Days = defaults.Days;
            o.NewJobEvery = null;
        });
        var other = await StoryData.AllLeanJobs(again);
        Assert.Equal(data.Lean.Select(j => j.ToJsonString()), other.Select(j => j.ToJsonString()));
        var info = await again.GetJsonAsync("/_sandbox");
        Assert.Equal(data.Story.RuleChangeAt, DateTimeOffset.Parse((string)info["story"]!["ruleChange"]!["from"]!));
        Assert.Equal(data.Start.UtcDateTime.Date.AddDays(-SandboxStory.RuleChangeDaysAgo), data.Story.RuleChangeAt.UtcDateTime);
    }
}
