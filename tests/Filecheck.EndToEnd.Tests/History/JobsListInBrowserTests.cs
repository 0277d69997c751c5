using System.Text.RegularExpressions;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.History;

[Collection(BrowserCollection.Name)]
public sealed class JobsListInBrowserTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Staff_OpenJobsFromTheNavigation_FilterByOrderAndOutcome_ThenClear()
    {
        var job = fixture.Host.Sandbox.Jobs.Get(WellKnownJobs.Fixed)!;
        // Looked up once, so the history holds it whatever the background sync has reached.
        var page = await fixture.OpenAsync("/jobs/" + job.Id);
        try
        {
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(job.Id);

            await page.GetByTestId("nav-jobs").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/jobs$"));
            await Assertions.Expect(page.GetByTestId("jobs-filters")).ToContainTextAsync("last 7 days");
            await Assertions.Expect(page.GetByTestId("jobs-filters")).ToContainTextAsync("newest first");
            await Assertions.Expect(page.GetByTestId("jobs-row").First).ToBeVisibleAsync();
            var created = await page.Locator("[data-testid=jobs-row] td:nth-child(2)").AllInnerTextsAsync();
            Assert.NotEmpty(created);

            // An order ID typed in its field; Enter shows the order's jobs.
            await page.FillAsync("#jobs-order", job.OrderId!);
            await page.PressAsync("#jobs-order", "Enter");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("[?&]order=" + Regex.Escape(Uri.EscapeDataString(job.OrderId!))));
            await Assertions.Expect(page.Locator($"[data-testid=jobs-row][data-job='{job.Id}']")).ToBeVisibleAsync();
            // The address changes before the list is drawn again: wait until no row of another order is left.
            var otherOrders = page.Locator("[data-testid=jobs-row]").Filter(new() { HasNot = page.Locator($"td:nth-child(5):text-is('{job.OrderId}')") });
            await Assertions.Expect(otherOrders).ToHaveCountAsync(0);
            foreach (var order in await page.Locator("[data-testid=jobs-row] td:nth-child(5)").AllInnerTextsAsync())
                Assert.Equal(job.OrderId, order.Trim());

            // An outcome picked from its menu narrows the same list.
            await page.GetByTestId("jobs-outcome").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "Failed" }).ClickAsync();
            await page.GetByTestId("jobs-apply").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("[?&]outcome=fail"));
            await Assertions.Expect(page.Locator($"[data-testid=jobs-row][data-job='{job.Id}']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("jobs-filters")).ToContainTextAsync("Failed");

            await page.GetByTestId("jobs-clear").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/jobs$"));
            await Assertions.Expect(page.Locator("#jobs-order")).ToHaveValueAsync("");
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
