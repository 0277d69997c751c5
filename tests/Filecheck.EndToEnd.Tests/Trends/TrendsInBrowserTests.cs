using System.Text.RegularExpressions;
using Filecheck.Dashboard.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Trends;

[Collection(BrowserCollection.Name)]
public sealed class TrendsInBrowserTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Trends_ManagerChangesAFilterPastesTheUrlOpensABarsJobsAndDownloadsTheCsv()
    {
        await fixture.Host.WaitForSyncedHistoryAsync();
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "manager", "/trends?days=90");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("trends-summary")).ToContainTextAsync("finished jobs");
            var weeks = await page.GetByTestId("period-row").CountAsync();
            // Kept beside the test run, for a person to look at when this test fails.
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "trends-e2e.png"), FullPage = true });

            // A filter changes the address and the charts.
            await page.GetByTestId("trends-group").SelectOptionAsync("day");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/trends\?days=90&group=day$"));
            await Assertions.Expect(page.GetByTestId("period-row")).ToHaveCountAsync(90);
            Assert.True(weeks < 90, $"{weeks} weekly rows");
            var summary = await page.GetByTestId("trends-summary").TextContentAsync();
            Assert.Contains("by day", summary);
            var url = page.Url;

            // The address pasted into another tab opens the same view.
            var pasted = await fixture.Browser.Context.NewPageAsync();
            try
            {
                await pasted.GotoAsync(url);
                await pasted.WaitForCircuitAsync();
                await Assertions.Expect(pasted.GetByTestId("trends-group")).ToHaveValueAsync("day");
                await Assertions.Expect(pasted.GetByTestId("period-row")).ToHaveCountAsync(90);
                // The same range, zone and grouping (the counts may have grown: the sandbox keeps adding jobs).
                var view = summary!.Split(':')[0];
                Assert.StartsWith(view, (await pasted.GetByTestId("trends-summary").TextContentAsync())!);
            }
            finally
            {
                await pasted.CloseAsync();
            }

            // A bar's count opens exactly its jobs.
            var failing = page.Locator("[data-testid=period-outcome-jobs][data-outcome=fail]").Filter(new() { HasNotTextRegex = new Regex("^0$") }).First;
            var count = int.Parse((await failing.TextContentAsync())!.Trim());
            await failing.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/jobs\?from=[\d-]+&to=[\d-]+&outcome=fail&finished=1$"));
            await Assertions.Expect(page.GetByTestId("jobs-total")).ToContainTextAsync($"{count} {(count == 1 ? "job" : "jobs")}");
            var outcomes = await page.Locator("[data-testid=jobs-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.outcome)");
            Assert.Equal(Math.Min(count, 50), outcomes.Length);
            Assert.All(outcomes, o => Assert.Equal("fail", o));

            // The table's CSV downloads, named for its range and zone, with the header the issue lists.
            await page.GoBackAsync();
            await page.WaitForCircuitAsync();
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-outcomes").ClickAsync());
            Assert.Matches(@"^trends-outcomes-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d-UTC\.csv$", download.SuggestedFilename);
            var file = await download.PathAsync();
            var lines = await File.ReadAllLinesAsync(file!);
            Assert.Equal("period_start,jobs,pass,warn,fail,fixed,other,pass_rate", lines[0]);
            Assert.Equal(91, lines.Length);

            // A click on a bar of the chart (by week) opens its period's jobs with its outcome: as many as the table counts.
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/trends?days=90").ToString());
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("period-row")).ToHaveCountAsync(weeks);
            var periods = await page.GetByTestId("period-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.period)");
            var fails = await page.Locator("[data-testid=period-outcome-jobs][data-outcome=fail]").EvaluateAllAsync<int[]>("cells => cells.map(c => parseInt(c.textContent))");
            var week = Array.FindIndex(fails, f => f > 0);
            Assert.True(week >= 0, "a week with failed jobs");
            // Bars are drawn period by period, the five outcomes in the order of the legend (failed is the fourth).
            var bar = page.Locator("[data-testid=outcomes-chart] path.mud-chart-bar").Nth(week * 5 + 3);
            var box = (await bar.BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
            await Assertions.Expect(page.GetByTestId("outcomes-chart")).ToContainTextAsync($"Failed: {fails[week]}");
            await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($@"/jobs\?from={periods[week]}&to=[\d-]+&outcome=fail&finished=1$"));
            await Assertions.Expect(page.GetByTestId("jobs-total")).ToContainTextAsync($"{fails[week]} {(fails[week] == 1 ? "job" : "jobs")}");
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
