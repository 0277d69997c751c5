using Bunit;
using Filecheck.Api;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The job page over the in-memory Filecheck (the vendor's fixtures and jobs described from them).</summary>
public sealed class JobPageTests : ComponentTest
{
    private IRenderedComponent<JobPage> Render(string id)
    {
        // As in a browser: the page is interactive, so a running job is watched live.
        RenderMode(interactive: true);
        var page = Ctx.Render<JobPage>(p => p.Add(x => x.Id, id));
        page.WaitForState(() => page.FindAll("[data-testid=job-header], [data-testid=job-problem]").Count > 0, TimeSpan.FromSeconds(15));
        return page;
    }

    [Fact]
    public void Render_PassingJob_ShowsCleanOutcomeAndEveryFileWithItsSteps()
    {
        var page = Render(FakeJobs.Full);

        var header = page.Find("[data-testid=job-header]");
        Assert.Contains(FakeJobs.Full, header.TextContent);
        Assert.Contains("Clean", header.QuerySelector("[data-kind=outcome]")!.TextContent);
        // The tabs lay out their panels after the first render.
        page.WaitForState(() => page.FindAll("[data-testid=timeline-row]").Count > 0, TimeSpan.FromSeconds(5));
        var rows = page.FindAll("[data-testid=timeline-row]");
        Assert.All(rows, r => Assert.NotEmpty(r.QuerySelectorAll("[data-testid=timeline-bar]")));
        Assert.Equal(3, page.FindAll("[data-testid=timeline-bar]").Count); // preflight, autofix, validate
        Assert.All(page.FindAll("[data-testid=timeline-bar]"), b => Assert.Matches(@"took \d", b.GetAttribute("aria-label")));
        Assert.Empty(page.FindAll("[data-testid=timeline-untimed]"));
    }

    [Fact]
    public void Render_FailingJob_ShowsFailedOutcomeAndTheReasonOfTheFailedStep()
    {
        const string reason = "Fonts not embedded: Helvetica";
        Filecheck.Add(FakeJobs.Fixture("job.preflight.json", j => j["tasks"]![0]!["steps"]![0]!["reason"] = reason));
        var page = Render(FakeJobs.Preflight);

        Assert.Contains("Failed", page.Find("[data-testid=job-header] [data-kind=outcome]").TextContent);
        page.WaitForState(() => page.FindAll("[data-testid=timeline-bar]").Count > 0, TimeSpan.FromSeconds(5));
        var failedBars = page.FindAll("[data-testid=timeline-bar].outcome-fail");
        Assert.NotEmpty(failedBars);
        // The reason of every failed step is in its label for people and screen readers alike.
        Assert.All(failedBars, b => Assert.Contains("reason: " + reason, b.GetAttribute("aria-label")));
    }

    [Fact]
    public void Render_RunningJob_SaysRunningForInsteadOfTotal()
    {
        var job = Filecheck.Add(FakeJobs.Running(DateTimeOffset.UtcNow, running: TimeSpan.FromSeconds(30)));
        var page = Render(job.Id);

        var header = page.Find("[data-testid=job-header]");
        Assert.Equal("running", header.QuerySelector("[data-kind=status]")!.GetAttribute("data-value"));
        Assert.Contains("Running for", header.TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=live-row]"));
    }

    [Fact]
    public void Render_RunningJob_UpdatesItselfUntilDone()
    {
        // Running for the page's load and the watcher's first poll, done from the third answer on.
        var running = FakeJobs.Running(DateTimeOffset.UtcNow, running: TimeSpan.FromSeconds(5), id: "job_fake_moving");
        var done = FakeJobs.Fixture("job.full.json", j => j["id"] = running.Id);
        Filecheck.Add(running.Id, n => n < 3 ? running : done);
        var page = Render(running.Id);
        Assert.NotEqual("done", page.Find("[data-testid=job-header] [data-kind=status]").GetAttribute("data-value"));

        // No reload: the shared watcher polls and the page re-renders as the job moves.
        page.WaitForAssertion(
            () => Assert.Equal("done", page.Find("[data-testid=job-header] [data-kind=status]").GetAttribute("data-value")),
            TimeSpan.FromSeconds(20));
        Assert.True(Filecheck.Calls(running.Id) >= 3);
        Assert.Contains("Wall time", page.Find("[data-testid=job-header]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=live-row]"));
    }

    [Fact]
    public void Render_Prerendered_AsksFilecheckOnlyOnceTheCircuitIsInteractive()
    {
        RenderMode(interactive: false);
        var prerender = Ctx.Render<JobPage>(p => p.Add(x => x.Id, FakeJobs.Full));

        // The prerender shows progress and leaves the lookup (and its audit) to the interactive render.
        Assert.Empty(prerender.FindAll("[data-testid=job-header]"));
        Assert.Equal(0, Filecheck.Calls(FakeJobs.Full));

        // The interactive half: the circuit renders the page again and asks Filecheck exactly once. By the time it
        // shows the job, a fetch the prerender started and did not await would have been counted too.
        var page = Render(FakeJobs.Full);
        Assert.Contains(FakeJobs.Full, page.Find("[data-testid=job-header]").TextContent);
        page.WaitForState(() => page.FindAll("[data-testid=timeline-row]").Count > 0, TimeSpan.FromSeconds(5));
        Assert.Equal(1, Filecheck.Calls(FakeJobs.Full));
        Assert.Empty(prerender.FindAll("[data-testid=job-header]"));
    }

    [Theory]
    [InlineData("from=abc&to=1e400")]
    [InlineData("from=-5&to=NaN&tab=nonsense&sort=drop%20table&desc=yes")]
    [InlineData("from=99999999999999&zoom=task_unknown&file=nope&step=nope")]
    public void Render_HostileQueryString_ShowsTheJobIgnoringWhatItCannotUse(string query)
    {
        Ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"/jobs/{FakeJobs.Full}?{query}");

        var page = Render(FakeJobs.Full);

        Assert.NotEmpty(page.FindAll("[data-testid=job-header]"));
        page.WaitForState(() => page.FindAll("[data-testid=timeline-row]").Count > 0, TimeSpan.FromSeconds(5));
        Assert.Empty(page.FindAll("[data-testid=selection-panel]"));
    }

    [Theory]
    [InlineData("../../etc/passwd", "InvalidId")]
    [InlineData("job_doesnotexist0000000000000", "NotFound")]
    public void Render_BadOrUnknownId_ShowsProblem(string id, string kind)
    {
        var page = Render(id);

        var problem = page.Find("[data-testid=job-problem]");
        Assert.Equal(kind, problem.GetAttribute("data-kind"));
        Assert.Empty(page.FindAll("[data-testid=job-header]"));
    }
}
