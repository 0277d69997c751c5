using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Trends;

/// <summary>An admin rebuilds the trends' rollups from <c>/admin/rollups</c> and watches it finish.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RollupAdminInBrowserTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Admin_RebuildsTheRollups_ThePageSaysUpToDateThenShowsTheProgressAndWhatWasRebuilt()
    {
        await fixture.Host.WaitForSyncedHistoryAsync();
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "admin", Dashboard.Urls.RollupAdmin);
            await page.WaitForCircuitAsync();
            // Nothing rebuilt since the start (a fresh store needs none): no bar standing full for nothing.
            await Assertions.Expect(page.GetByTestId("rollup-idle")).ToContainTextAsync("Up to date");
            await Assertions.Expect(page.GetByTestId("rollup-progress")).ToHaveCountAsync(0);

            await page.GetByTestId("rollup-rebuild").ClickAsync();

            await Assertions.Expect(page.GetByTestId("rollup-finished")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"^Rebuilt \d+ days \(0 kept as they were\) at "));
            await Assertions.Expect(page.GetByTestId("rollup-idle")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("rollup-progress")).ToHaveAttributeAsync("aria-valuenow", "100");
            await Assertions.Expect(page.GetByTestId("rollup-rebuild")).ToBeEnabledAsync();
        }
        finally
        {
            await page.CloseAsync();
            await fixture.Browser.Context.ClearCookiesAsync();
        }
    }
}
