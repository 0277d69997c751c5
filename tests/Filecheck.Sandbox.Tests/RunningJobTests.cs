using System.Net;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

public sealed class RunningJobTests
{
    private static IEnumerable<JsonNode> Steps(JsonNode job) =>
        job["tasks"]!.AsArray().SelectMany(t => t!["steps"]!.AsArray()).Select(s => s!);

    [Fact]
    public async Task DemoRunningJob_AdvancesWithTheClock_ToDone()
    {
        await using var sb = await Sandbox.StartAsync();
        var job = (await sb.GetJsonAsync($"/jobs/{WellKnownJobs.Running}"))["job"]!;
        Assert.Equal("pending", (string)job["status"]!); // created this instant; the first step starts after a short wait
        Assert.All(Steps(job), s => Assert.Equal("pending", (string)s["status"]!));
        Assert.False(job.AsObject().ContainsKey("summary"));

        sb.Clock.Advance(TimeSpan.FromSeconds(20));
        job = (await sb.GetJsonAsync($"/jobs/{WellKnownJobs.Running}"))["job"]!;
        Assert.Equal("running", (string)job["status"]!);
        Assert.Null(job["outcome"]);
        var first = Steps(job).First();
        Assert.Equal("running", (string)first["status"]!);
        Assert.NotNull(first["started"]);
        Assert.Null(first["ended"]);
        Assert.Null(first["duration"]);

        sb.Clock.Advance(TimeSpan.FromSeconds(40));
        job = (await sb.GetJsonAsync($"/jobs/{WellKnownJobs.Running}"))["job"]!;
        Assert.Equal("running", (string)job["status"]!);
        first = Steps(job).First();
        Assert.Equal("done", (string)first["status"]!);
        Assert.Equal(30_000, (double)first["duration"]!);
        Assert.NotNull(first["ended"]);
        Assert.Contains(Steps(job), s => (string)s["status"]! == "pending");

        sb.Clock.Advance(TimeSpan.FromMinutes(3));
        job = (await sb.GetJsonAsync($"/jobs/{WellKnownJobs.Running}"))["job"]!;
        Assert.Equal("done", (string)job["status"]!);
        Assert.Equal("fixed", (string)job["outcome"]!);
        Assert.All(Steps(job), s =>
        {
            Assert.Equal("done", (string)s["status"]!);
            Assert.NotNull(s["duration"]);
        });
        Assert.Equal("done", (string)job["summary"]!["status"]!);
        Assert.NotNull(job["results"]!["preflight"]);
    }

    [Fact]
    public async Task CreatedRunningJob_FinishesAfterItsSteps()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Clock.Advance(TimeSpan.FromSeconds(1)); // so it is strictly newer than job_demo_running, created at start
        var id = sb.Server.Jobs.CreateRunningJob(2, TimeSpan.FromSeconds(3));
        Assert.Matches("^job_[0-9a-z]{26}$", id);
        Assert.Equal(id, (string)(await sb.GetJsonAsync("/jobs?limit=1"))["jobs"]![0]!["id"]!);

        var job = sb.Server.Jobs.Get(id)!;
        Assert.Equal("running", job.Status);
        Assert.Equal(2, job.Tasks!.Count);

        sb.Clock.Advance(TimeSpan.FromSeconds(7));
        job = sb.Server.Jobs.Get(id)!;
        Assert.Equal("running", job.Status);
        Assert.Equal(2, job.Tasks![0].Steps!.Count(s => s.Status == "done"));
        Assert.Equal(3000, job.Tasks[0].Steps![0].Duration);

        sb.Clock.Advance(TimeSpan.FromSeconds(5));
        var runs = await sb.GetJsonAsync($"/jobs/{id}?expand=runs");
        Assert.Equal("done", (string)runs["status"]!);
        Assert.Equal("fixed", (string)runs["runs"]![0]!["outcome"]!);
        Assert.Equal("pass", (string)runs["runs"]![1]!["outcome"]!);
    }

    [Fact]
    public async Task ControlEndpoint_CreatesARunningJob()
    {
        await using var sb = await Sandbox.StartAsync();
        using var response = await sb.Http.PostAsync("/_sandbox/jobs/running?files=3&stepSeconds=2", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
        var job = (await sb.GetJsonAsync($"/jobs/{id}"))["job"]!;
        Assert.Equal(3, job["tasks"]!.AsArray().Count);
        Assert.Equal("running", (string)job["status"]!);

        using var bad = await sb.Http.PostAsync("/_sandbox/jobs/running?files=0", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ManyJobs_ServerStartsAndServesFirstPage()
    {
        await using var sb = await Sandbox.StartAsync(o => o.JobCount = 1_000_000);
        Assert.True(sb.Server.Jobs.Count > 1_000_000);
        var page = await sb.GetJsonAsync("/jobs?limit=100");
        Assert.Equal(100, page["jobs"]!.AsArray().Count);
        var oldest = (string)page["jobs"]![99]!["id"]!;
        Assert.Equal(oldest, (string)(await sb.GetJsonAsync($"/jobs/{oldest}"))["job"]!["id"]!);
        var second = await sb.GetJsonAsync("/jobs?limit=100&nextKey=" + page["nextKey"]);
        Assert.DoesNotContain(second["jobs"]!.AsArray(), j => (string)j!["id"]! == oldest);
    }
}
