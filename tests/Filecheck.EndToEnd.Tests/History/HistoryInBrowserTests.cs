using System.Text.RegularExpressions;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.History;

[Collection(BrowserCollection.Name)]
public sealed class HistoryInBrowserTests(DashboardFixture fixture)
{
    [Fact]
    public async Task LookupBox_OrderIdOfAJobSeenBefore_FindsItAndRemembersTheLookup()
    {
        var job = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Fixed)!;
        Assert.False(string.IsNullOrEmpty(job.OrderId));
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            // Seen once: the lookup writes it through to the history.
            await page.SignInAsync(fixture.Host.BaseAddress, "cs", "/jobs/" + job.Id);
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(job.Id);

            // Not a job ID: the lookup box searches the history for it.
            await page.FillAsync("#job-lookup", job.OrderId!);
            await page.PressAsync("#job-lookup", "Enter");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/jobs\\?q=" + Regex.Escape(job.OrderId!)));
            var hit = page.Locator($"[data-testid=jobs-row][data-job='{job.Id}']");
            await Assertions.Expect(hit).ToBeVisibleAsync();

            // And the home page remembers this user's lookup.
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/").ToString());
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("recent-lookups")).ToContainTextAsync(job.Id);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
