using Bunit;
using Filecheck.Dashboard.Jobs;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Jobs;

public sealed class JobPageTests : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    private readonly SandboxFixture _sandbox;
    private readonly BunitContext _ctx = new();

    public JobPageTests(SandboxFixture sandbox)
    {
        _sandbox = sandbox;
        sandbox.Server.Faults.Clear();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
    }

    private IRenderedComponent<JobPage> Render(string id, string? apiKey = null)
    {
        _sandbox.AddClient(_ctx.Services, apiKey);
        _ctx.Services.AddJobs();
        // As in a browser: the page is interactive, so a running job is watched live.
        _ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var page = _ctx.Render<JobPage>(p => p.Add(x => x.Id, id));
        page.WaitForState(() => page.FindAll("[data-testid=job-header], [data-testid=job-problem]").Count > 0, TimeSpan.FromSeconds(15));
        return page;
    }

    [Fact]
    public void Render_PassingJob_ShowsCleanOutcomeAndEveryFileWithItsSteps()
    {
        var page = Render(WellKnownJobs.Passing);

        var header = page.Find("[data-testid=job-header]");
        Assert.Contains(WellKnownJobs.Passing, header.TextContent);
        Assert.Contains("Clean", header.QuerySelector("[data-kind=outcome]")!.TextContent);
        // The tabs lay out their panels after the first render.
        page.WaitForState(() => page.FindAll("[data-testid=timeline-row]").Count > 0, TimeSpan.FromSeconds(5));
        var rows = page.FindAll("[data-testid=timeline-row]");
        Assert.All(rows, r => Assert.NotEmpty(r.QuerySelectorAll("[data-testid=timeline-bar]")));
        Assert.All(page.FindAll("[data-testid=timeline-bar]"), b => Assert.Matches(@"took \d", b.GetAttribute("aria-label")));
        Assert.Empty(page.FindAll("[data-testid=timeline-untimed]"));
    }

    [Fact]
    public void Render_FailingJob_ShowsFailedOutcomeAndTheReasonOfTheFailedStep()
    {
        var page = Render(WellKnownJobs.Failing);

        Assert.Contains("Failed", page.Find("[data-testid=job-header] [data-kind=outcome]").TextContent);
        page.WaitForState(() => page.FindAll("[data-testid=timeline-bar]").Count > 0, TimeSpan.FromSeconds(5));
        var failedBars = page.FindAll("[data-testid=timeline-bar].outcome-fail");
        Assert.NotEmpty(failedBars);
        // The reason of every failed step is in its label for people and screen readers alike.
        Assert.All(failedBars, b => Assert.Contains("reason: ", b.GetAttribute("aria-label")));
    }

    [Fact]
    public void Render_RunningJob_SaysRunningForInsteadOfTotal()
    {
        var id = _sandbox.Server.Jobs.CreateRunningJob(files: 2, stepDuration: TimeSpan.FromMinutes(5));
        var page = Render(id);

        var header = page.Find("[data-testid=job-header]");
        Assert.Equal("running", header.QuerySelector("[data-kind=status]")!.GetAttribute("data-value"));
        Assert.Contains("Running for", header.TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=live-row]"));
    }

    [Fact]
    public void Render_RunningJob_UpdatesItselfUntilDone()
    {
        var id = _sandbox.Server.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMilliseconds(400));
        var page = Render(id);
        Assert.NotEqual("done", page.Find("[data-testid=job-header] [data-kind=status]").GetAttribute("data-value"));

        // No reload: the shared watcher polls and the page re-renders as the job moves.
        page.WaitForAssertion(
            () => Assert.Equal("done", page.Find("[data-testid=job-header] [data-kind=status]").GetAttribute("data-value")),
            TimeSpan.FromSeconds(20));
        Assert.Contains("Wall time", page.Find("[data-testid=job-header]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=live-row]"));
    }

    [Fact]
    public void Render_Prerendered_AsksFilecheckOnlyOnceTheCircuitIsInteractive()
    {
        _sandbox.AddClient(_ctx.Services);
        _ctx.Services.AddJobs();
        _ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        var path = "/jobs/" + WellKnownJobs.Warning;
        var before = _sandbox.Server.Requests.Count(path);

        var page = _ctx.Render<JobPage>(p => p.Add(x => x.Id, WellKnownJobs.Warning));

        // The prerender shows progress and leaves the lookup (and its audit) to the interactive render.
        Assert.Empty(page.FindAll("[data-testid=job-header]"));
        Assert.Equal(before, _sandbox.Server.Requests.Count(path));
    }

    [Theory]
    [InlineData("from=abc&to=1e400")]
    [InlineData("from=-5&to=NaN&tab=nonsense&sort=drop%20table&desc=yes")]
    [InlineData("from=99999999999999&zoom=task_unknown&file=nope&step=nope")]
    public void Render_HostileQueryString_ShowsTheJobIgnoringWhatItCannotUse(string query)
    {
        _sandbox.AddClient(_ctx.Services);
        _ctx.Services.AddJobs();
        _ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        _ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>()
            .NavigateTo($"/jobs/{WellKnownJobs.Passing}?{query}");

        var page = _ctx.Render<JobPage>(p => p.Add(x => x.Id, WellKnownJobs.Passing));
        page.WaitForState(() => page.FindAll("[data-testid=job-header]").Count > 0, TimeSpan.FromSeconds(15));

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

    [Fact]
    public void Render_KeyRejected_SaysTheKeyWasRefusedWithoutShowingIt()
    {
        const string wrongKey = "sk_test_wrong_key_for_this_test";
        var page = Render(WellKnownJobs.Passing, apiKey: wrongKey);

        var problem = page.Find("[data-testid=job-problem]");
        Assert.Equal("KeyRejected", problem.GetAttribute("data-kind"));
        Assert.Contains("Filecheck:ApiKey", problem.TextContent);
        Assert.DoesNotContain(wrongKey, page.Markup);
    }

    [Fact]
    public void Render_ApiUnavailable_SaysSoAndOffersRetry()
    {
        _sandbox.Server.Faults.Always(SandboxFault.Unavailable);
        try
        {
            var page = Render(WellKnownJobs.Passing);

            var problem = page.Find("[data-testid=job-problem]");
            Assert.Equal("Unavailable", problem.GetAttribute("data-kind"));
            Assert.Contains("Try again", problem.TextContent);
        }
        finally
        {
            _sandbox.Server.Faults.Clear();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();
}
