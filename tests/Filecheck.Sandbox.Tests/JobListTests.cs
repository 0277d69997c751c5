using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Filecheck.Sandbox.Tests;

public sealed class JobListTests
{
    [Fact]
    public async Task GetJobs_WalkingAllPages_YieldsEveryJobOnceNewestFirst()
    {
        await using var sb = await Sandbox.StartAsync(o => o.JobCount = 1234);
        var seen = new List<(string Id, DateTimeOffset Created)>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await sb.GetJsonAsync("/jobs?limit=100" + (next is null ? "" : "&nextKey=" + Uri.EscapeDataString(next)));
            var jobs = page["jobs"]!.AsArray();
            Assert.InRange(jobs.Count, 1, 100);
            foreach (var j in jobs)
            {
                Assert.Empty(j!["tasks"]!.AsArray());
                Assert.Empty(j["deliverables"]!.AsArray());
                Assert.False(j.AsObject().ContainsKey("summary"));
                Assert.False(j.AsObject().ContainsKey("results"));
                seen.Add(((string)j["id"]!, DateTimeOffset.Parse((string)j["createdAt"]!)));
            }
            next = (string?)page["nextKey"];
            pages++;
        } while (next is not null);

        Assert.Equal(sb.Server.Jobs.Count, seen.Count);
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal((int)Math.Ceiling(seen.Count / 100.0), pages);
        for (var i = 1; i < seen.Count; i++)
            Assert.True(seen[i - 1].Created >= seen[i].Created, $"not newest first at {i}");
        Assert.Contains(seen, s => s.Id == WellKnownJobs.Large);
    }

    [Fact]
    public async Task GetJobs_DefaultLimit_Is20()
    {
        await using var sb = await Sandbox.StartAsync();
        var page = await sb.GetJsonAsync("/jobs");
        Assert.Equal(20, page["jobs"]!.AsArray().Count);
        Assert.NotNull((string?)page["nextKey"]);
    }

    [Theory]
    [InlineData("/jobs?limit=0")]
    [InlineData("/jobs?limit=101")]
    [InlineData("/jobs?limit=abc")]
    [InlineData("/jobs?limit=-5")]
    [InlineData("/jobs?nextKey=not-a-cursor")]
    [InlineData("/jobs?nextKey=eyJmb28iOjF9")] // base64 of {"foo":1}
    public async Task GetJobs_BadLimitOrCursor_Returns400AppError(string path)
    {
        await using var sb = await Sandbox.StartAsync();
        var (status, body) = await sb.GetAsync(path);
        Assert.Equal(400, status);
        var error = JsonNode.Parse(body)!;
        Assert.True((bool)error["error"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
    }

    [Fact]
    public async Task Jobs_HaveRealisticIdsAndVocabulary()
    {
        await using var sb = await Sandbox.StartAsync(o => o.JobCount = 600);
        var page = await sb.GetJsonAsync("/jobs?limit=100");
        var ids = page["jobs"]!.AsArray().Select(j => (string)j!["id"]!).Where(id => !id.StartsWith("job_demo_")).ToArray();
        Assert.All(ids, id => Assert.Matches("^job_[0-9a-z]{26}$", id));
        Assert.All(page["jobs"]!.AsArray(), j => Assert.Contains((string)j!["channel"]!, new[] { "api", "store", "admin" }));

        // Across the history: every verdict, some errors with reasons, failures that name the problem.
        var outcomes = new HashSet<string?>();
        var taskStatuses = new HashSet<string?>();
        var reasons = new List<string>();
        var stepTypes = new HashSet<string>();
        string? next = null;
        for (var p = 0; p < 3; p++)
        {
            var list = await sb.GetJsonAsync("/jobs?limit=100" + (next is null ? "" : "&nextKey=" + next));
            next = (string?)list["nextKey"];
            foreach (var entry in list["jobs"]!.AsArray())
            {
                var job = (await sb.GetJsonAsync($"/jobs/{entry!["id"]}"))["job"]!;
                outcomes.Add((string?)job["outcome"]);
                foreach (var task in job["tasks"]!.AsArray())
                {
                    taskStatuses.Add((string?)task!["status"]);
                    foreach (var step in task["steps"]!.AsArray())
                    {
                        stepTypes.Add((string)step!["type"]!);
                        if ((string?)step["outcome"] is "fail" or "warn" || (string?)step["status"] == "error")
                        {
                            var reason = (string?)step["reason"];
                            Assert.False(string.IsNullOrWhiteSpace(reason), $"step {step["id"]} of {job["id"]} has no reason");
                            reasons.Add(reason!);
                        }
                        if ((string?)step["status"] == "done")
                        {
                            Assert.NotNull(step["ended"]);
                            Assert.Equal(
                                (DateTimeOffset.Parse((string)step["ended"]!) - DateTimeOffset.Parse((string)step["started"]!)).TotalMilliseconds,
                                (double)step["duration"]!);
                        }
                    }
                }
            }
        }
        foreach (var o in new[] { "pass", "warn", "fail", "fixed", "mixed" }) Assert.Contains(o, outcomes);
        Assert.Contains("error", taskStatuses);
        foreach (var t in new[] { "preflight", "autofix", "repreflight", "validate", "previews", "proof" }) Assert.Contains(t, stepTypes);
        Assert.Contains(reasons, r => r.Contains("could not be downloaded") || r.Contains("timed out") || r.Contains("password") || r.Contains("damaged"));
        Assert.DoesNotContain(reasons, r => Regex.IsMatch(r, @"\{[a-z_.]+\}")); // every placeholder filled
    }

    [Fact]
    public async Task NewJobs_ArriveAsTheClockMoves()
    {
        await using var sb = await Sandbox.StartAsync(o => o.NewJobEvery = TimeSpan.FromSeconds(30));
        var before = sb.Server.Jobs.Count;
        var first = (string)(await sb.GetJsonAsync("/jobs?limit=1"))["jobs"]![0]!["id"]!;

        sb.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.InRange(sb.Server.Jobs.Count - before, 9, 11);
        var newest = (await sb.GetJsonAsync("/jobs?limit=1"))["jobs"]![0]!;
        Assert.NotEqual(first, (string)newest["id"]!);
        var job = await sb.GetJsonAsync($"/jobs/{newest["id"]}");
        Assert.Equal((string)newest["id"]!, (string)job["job"]!["id"]!);
    }

    [Fact]
    public async Task Library_ListsAndItems_WithTrailingSlash()
    {
        await using var sb = await Sandbox.StartAsync();
        var workflows = await sb.GetJsonAsync("/workflows/");
        Assert.Contains(workflows["workflows"]!.AsArray(), w => (string)w!["id"]! == "wf_business_cards");
        Assert.All(workflows["workflows"]!.AsArray(), w => Assert.Contains((string)w!["source"]!, new[] { "domain", "store" }));
        Assert.Equal("Business cards", (string)(await sb.GetJsonAsync("/workflows/wf_business_cards"))["workflow"]!["name"]!);
        Assert.NotEmpty((await sb.GetJsonAsync("/rules"))["rules"]!.AsArray());
        Assert.Contains((await sb.GetJsonAsync("/profiles"))["profiles"]!.AsArray(), p => (string?)p!["kind"] == "raster");
        var (status, body) = await sb.GetAsync("/rules/rule_missing");
        Assert.Equal(404, status);
        Assert.Equal("Rule not found: rule_missing", (string)JsonNode.Parse(body)!["message"]!);
    }
}
