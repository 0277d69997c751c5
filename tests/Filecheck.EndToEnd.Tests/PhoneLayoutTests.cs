using Filecheck.Testing;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests;

/// <summary>
/// Who is signed in, on a desktop's screen and on a phone's: the app bar says it where there is room; on a phone, where
/// the app bar has none, the menu says it instead.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(DashboardFixture fixture)
{
    [Fact]
    public async Task WhoIsSignedIn_InTheAppBarOnADesktop_InTheMenuOnAPhone()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "staff");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("user-box")).ToContainTextAsync("Sam Staff");
            await Assertions.Expect(page.GetByTestId("drawer-user")).ToBeHiddenAsync();

            // A page opened on a phone's screen: the menu starts closed and opens over the page from the app bar's button.
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/").ToString());
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("user-box")).ToBeHiddenAsync();
            var menu = page.GetByTestId("drawer-user");
            await Assertions.Expect(menu).ToBeHiddenAsync();
            await page.GetByLabel("Toggle navigation").ClickAsync();
            await Assertions.Expect(menu).ToBeVisibleAsync();
            await Assertions.Expect(menu).ToContainTextAsync("Signed in as Sam Staff");
            await Assertions.Expect(menu).ToContainTextAsync("Staff");
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jobs" })).ToBeVisibleAsync();
        }
        finally
        {
            await page.CloseAsync();
            await fixture.Browser.Context.ClearCookiesAsync();
        }
    }
}
