using System.Diagnostics;
using System.Text.RegularExpressions;
using Filecheck.Sandbox;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Filecheck.EndToEnd.Tests.Trends;

/// <summary>The dashboard on the sandbox as the README's run command starts it: its default history of 5,000 jobs over 180 days.</summary>
public sealed class StoryDashboard : IAsyncLifetime
{
    public DashboardHost Host { get; private set; } = default!;

    public Task InitializeAsync()
    {
        var defaults = new SandboxOptions();
        Host = new DashboardHost(new()
        {
            ["Sandbox:JobCount"] = defaults.JobCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sandbox:Seed"] = defaults.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The same history, held still: no job arrives or finishes between the export and the jobs list it is checked against.
            ["Sandbox:NewJobEvery"] = "",
            ["Sandbox:RunningJobs"] = "0",
        });
        Host.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Issue 9's "done when", in Chromium on the default sandbox: a manager opens <c>/trends</c> (180 days by week), reads in
/// "what changed" that a workflow's pass rate fell, clicks through to its failing jobs, reads the top reason, and exports
/// the table, whose numbers match the jobs list.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ManagerStoryTests(DashboardFixture fixture, StoryDashboard story, ITestOutputHelper output) : IClassFixture<StoryDashboard>
{
    [Fact]
    public async Task Trends_DefaultView_ReadsThatFlyersFell_OpensItsFailingJobs_ReadsTheTopReason_ExportMatchesTheJobsList()
    {
        var host = story.Host;
        await host.WaitForSyncedHistoryAsync();
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await page.SignInAsync(host.BaseAddress, "manager", "/trends");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("trends-summary")).ToContainTextAsync("by week");
            await Assertions.Expect(page.GetByTestId("trends-range")).ToHaveValueAsync("180");
            Assert.InRange(await page.GetByTestId("period-row").CountAsync(), 26, 27);

            // 180 days are all the history there is: "what changed" compares the last 90 days with the 90 before, and says so.
            await Assertions.Expect(page.GetByTestId("what-changed-basis")).ToContainTextAsync("The history begins on");
            var flyers = page.Locator("[data-testid=change-item][data-dimension=workflow][data-value=wf_flyers]");
            await Assertions.Expect(flyers).ToContainTextAsync("Flyers & leaflets");
            await Assertions.Expect(flyers).ToContainTextAsync("pass rate fell");

            // Its failing jobs, each of that workflow and failed.
            await flyers.GetByTestId("change-jobs").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/jobs\?(?=.*workflow=wf_flyers)(?=.*outcome=fail)"));
            await Assertions.Expect(page.GetByTestId("jobs-total")).ToContainTextAsync(new Regex(@"^\d+ jobs"));
            var outcomes = await page.Locator("[data-testid=jobs-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.outcome)");
            Assert.NotEmpty(outcomes);
            Assert.All(outcomes, o => Assert.Equal("fail", o));

            // The workflow's trend: the rule change's reason on top.
            await page.GoBackAsync();
            await page.WaitForCircuitAsync();
            await flyers.GetByTestId("change-view").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/trends\?days=90&workflow=wf_flyers$"));
            await Assertions.Expect(page.GetByTestId("reason-row").First).ToContainTextAsync("too close to the cut edge");

            // The breakdowns exported: the workflow's row counts exactly the jobs its link lists.
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-breakdowns").ClickAsync());
            var lines = await File.ReadAllLinesAsync((await download.PathAsync())!);
            Assert.Equal("dimension,value,jobs,pass_rate,previous_pass_rate,change,p95_ms", lines[0]);
            var row = Assert.Single(lines, l => l.StartsWith("workflow,Flyers & leaflets,", StringComparison.Ordinal)).Split(',');
            var exported = int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture);
            await page.Locator("[data-testid=breakdown-row][data-value=wf_flyers] [data-testid=breakdown-jobs]").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/jobs\?.*workflow=wf_flyers"));
            await Assertions.Expect(page.GetByTestId("jobs-total")).ToHaveTextAsync(new Regex($@"^{exported} jobs\b"));
            output.WriteLine($"the manager's journey took {clock.Elapsed.TotalSeconds:F1} s in Chromium (flyers: {exported} jobs in 90 days)");
        }
        finally
        {
            await page.CloseAsync();
            await fixture.Browser.Context.ClearCookiesAsync();
        }
    }
}
