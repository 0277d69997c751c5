using Filecheck.Dashboard.Tests.Support;
using Bunit;
using Filecheck.Api;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Jobs;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The job page with the real store (a SQLite file) and the real client (the sandbox over HTTP).</summary>
public sealed class StaleJobPageTests : ComponentTest, IClassFixture<SandboxFixture>
{
    private readonly SandboxFixture _sandbox;
    private readonly TempStore _temp = new();

    public StaleJobPageTests(SandboxFixture sandbox) : base(ComponentUpstream.None)
    {
        _sandbox = sandbox;
        sandbox.Server.Faults.Clear();
        Ctx.AddAuthorization().SetAuthorized("Alice Staff");
        var settings = HistoryHost.Settings(sandbox.Server, _temp.File);
        settings["History:CacheAge"] = "00:00:00";
        UseStore(settings);
    }

    private IRenderedComponent<JobPage> Render(string id)
    {
        Ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var page = Ctx.Render<JobPage>(p => p.Add(x => x.Id, id));
        page.WaitForState(() => page.FindAll("[data-testid=job-header], [data-testid=job-problem]").Count > 0, TimeSpan.FromSeconds(20));
        return page;
    }

    [Fact]
    public async Task Render_FilecheckDown_ServesTheStoredCopyWithAStaleBanner()
    {
        var job = await Ctx.Services.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse(WellKnownJobs.Failing));
        await Ctx.Services.GetRequiredService<JobWriter>().SaveJobAsync(job.Value!, HistorySource.Lookup);
        var fetchedAt = (await Ctx.Services.GetRequiredService<HistoryReads>().GetJobAsync(WellKnownJobs.Failing))!.LastFetchedAt!.Value;
        _sandbox.Server.Faults.Always(SandboxFault.Unavailable);

        var page = Render(WellKnownJobs.Failing);

        var banner = page.Find("[data-testid=stale-banner]");
        Assert.Equal("Unavailable", banner.GetAttribute("data-kind"));
        Assert.Equal(fetchedAt.ToString("O"), banner.GetAttribute("data-since"));
        Assert.Contains("Stale since", banner.TextContent);
        Assert.Contains("Filecheck is not answering", banner.TextContent);
        Assert.Contains(WellKnownJobs.Failing, page.Find("[data-testid=job-header]").TextContent);
        Assert.Equal("fail", page.Find("[data-testid=job-header] [data-kind=outcome]").GetAttribute("data-value"));
        Assert.Empty(page.FindAll("[data-testid=job-problem]"));
        // The audit names the signed-in user of the circuit.
        await using var db = await Ctx.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var audit = db.Lookups.Select(l => new { l.UserName, l.Result, l.JobId }).Single();
        Assert.Equal(("Alice Staff", "stale:Unavailable", WellKnownJobs.Failing), (audit.UserName, audit.Result, audit.JobId));
    }

    [Fact]
    public void Render_FilecheckUp_ShowsNoStaleBanner()
    {
        var page = Render(WellKnownJobs.Passing);

        Assert.NotEmpty(page.FindAll("[data-testid=job-header]"));
        Assert.Empty(page.FindAll("[data-testid=stale-banner]"));
    }

    public override async Task DisposeAsync()
    {
        _sandbox.Server.Faults.Clear();
        await base.DisposeAsync();
        _temp.Dispose();
    }
}
