using Bunit;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Trends;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Trends;

/// <summary>The trends page on a real store holding a planted history: filters come from and go to the address.</summary>
public sealed class TrendsPageTests() : ComponentTest(ComponentUpstream.None)
{
    private readonly RollupHarness _harness = new();

    public override async Task InitializeAsync()
    {
        await PlantedHistory.WriteAsync(_harness,
            before: new(CardsPassRate: 0.80, FlyersPassRate: 0.60, PreflightMs: 1_000, ValidateMs: 400),
            after: new(CardsPassRate: 0.40, FlyersPassRate: 0.60, PreflightMs: 2_000, ValidateMs: 400));
        Ctx.Services.AddSingleton(new TrendsQuery(_harness.Db, new RollupZone(_harness.Writer.Zone), new FixedNames(), PlantedHistory.Clock()));
        Ctx.Services.AddSingleton(_harness.Rebuild);
        Ctx.Services.AddSingleton(new Filecheck.Dashboard.History.HistorySyncStatus());
        Ctx.Services.AddSingleton<TimeProvider>(PlantedHistory.Clock());
        Ctx.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Ctx.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _harness.Dispose();
    }

    private IRenderedComponent<TrendsPage> Open(string url)
    {
        Ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Ctx.Render<TrendsPage>();
        page.WaitForState(() => page.FindAll("[data-testid=trends-summary], [data-testid=trends-empty], [data-testid=trends-problem]").Count > 0, TimeSpan.FromSeconds(15));
        return page;
    }

    [Fact]
    public void Render_WorkflowInTheAddress_ShowsOnlyItsJobsAndTheFilterSelected()
    {
        var page = Open("/trends?days=30&workflow=wf_cards");

        Assert.Equal("wf_cards", page.Find("[data-testid=trends-workflow]").GetAttribute("value"));
        Assert.Contains("120 finished jobs", page.Find("[data-testid=trends-summary]").TextContent);
        Assert.Contains("pass rate 40.0%", page.Find("[data-testid=trends-summary]").TextContent);
        var rows = page.FindAll("[data-testid=breakdown-table][data-dimension=workflow] [data-testid=breakdown-row]");
        Assert.Equal(["wf_cards"], rows.Select(r => r.GetAttribute("data-value")));
        Assert.Contains("workflow=wf_cards", page.Find("[data-testid=csv-outcomes]").GetAttribute("href"));
    }

    [Fact]
    public void ChangeFilter_PickAWorkflowAndMonthlyGrouping_NavigatesToTheViewsAddress()
    {
        var page = Open("/trends?days=30");
        var navigation = Ctx.Services.GetRequiredService<NavigationManager>();

        page.Find("[data-testid=trends-workflow]").Change("wf_flyers");
        Assert.EndsWith("/trends?days=30&workflow=wf_flyers", navigation.Uri);

        page = Open(navigation.Uri);
        page.Find("[data-testid=trends-group]").Change("month");
        Assert.EndsWith("/trends?days=30&group=month&workflow=wf_flyers", navigation.Uri);
    }

    [Fact]
    public void Render_PlantedFall_WhatChangedNamesTheWorkflowAndLinksToItsFailingJobs()
    {
        var page = Open("/trends?days=30");

        var items = page.FindAll("[data-testid=change-item]");
        var cards = items.First(i => i.GetAttribute("data-dimension") == "workflow" && i.TextContent.Contains("pass rate"));
        Assert.Contains("Business cards", cards.TextContent);
        Assert.Contains("fell from 80.0% to 40.0%", cards.TextContent);
        Assert.Contains("outcome=fail", cards.QuerySelector("[data-testid=change-jobs]")!.GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=what-changed-none]"));
    }

    [Fact]
    public void Render_RangeLongerThanHalfTheHistory_SaysWhereItBeginsAndComparesTheLast30Days()
    {
        var page = Open("/trends?days=90");

        var panel = page.Find("[data-testid=what-changed]");
        Assert.Contains("What changed in the last 30 days against the 30 before them", panel.TextContent);
        var basis = page.Find("[data-testid=what-changed-basis]");
        Assert.Contains("The history begins on 2026-10-11", basis.TextContent);
        Assert.Equal("/trends?days=30", page.Find("[data-testid=what-changed-basis-view]").GetAttribute("href"));
        Assert.Contains(page.FindAll("[data-testid=change-item]"), i => i.TextContent.Contains("Business cards", StringComparison.Ordinal));
        Assert.Contains("no previous 90 days to compare with: the history begins on 2026-10-11", page.Find("[data-testid=trends-no-previous]").TextContent);
        Assert.All(page.FindAll("[data-testid=breakdown-row]"), r => Assert.Equal("—", r.Children[3].TextContent.Trim()));
    }

    [Fact]
    public void Render_CustomRangeAtTheHistorysStart_SaysThereIsNothingToCompareWith()
    {
        var page = Open("/trends?from=2026-10-12&to=2026-10-14");

        Assert.Contains("the history begins on 2026-10-11", page.Find("[data-testid=what-changed-too-early]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=change-item]"));
        Assert.Empty(page.FindAll("[data-testid=what-changed-none]"));
        Assert.Empty(page.FindAll("[data-testid=what-changed-basis]"));
    }

    [Fact]
    public void Render_EveryPeriodRow_LinksToItsJobsWithTheSameFilters()
    {
        var page = Open("/trends?days=30&channel=web");

        var links = page.FindAll("[data-testid=period-outcome-jobs][data-outcome=fail]");
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.Matches(@"^/jobs\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&outcome=fail&channel=web&finished=1$", l.GetAttribute("href")));
    }
}
