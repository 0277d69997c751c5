using Filecheck.EndToEnd.Tests.Access.Oidc;
using Filecheck.Sandbox;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Filecheck.EndToEnd.Tests.Access;

/// <summary>
/// The OpenID Connect code flow end to end: Chromium, the dashboard configured only through its AzureAd section, and a
/// real provider (OpenIddict) on 127.0.0.1. No demo sign-in exists in this dashboard.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OidcSignInTests(OidcFixture oidc, ITestOutputHelper output) : IClassFixture<OidcFixture>, IDisposable
{
    /// <summary>The dashboard's log, shown with a failing test.</summary>
    public void Dispose() => output.WriteLine(oidc.Dashboard.Output);

    private Uri Dashboard(string path) => new(oidc.Dashboard.BaseAddress, path.TrimStart('/'));

    private bool AtProviderSignIn(string url) =>
        url.StartsWith(oidc.Provider.BaseAddress.AbsoluteUri, StringComparison.Ordinal) && url.Contains("/oauth2/v2.0/authorize");

    private async Task<IPage> NewPageAsync()
    {
        await oidc.Browser.ClearCookiesAsync();
        return await oidc.Browser.NewPageAsync();
    }

    [Fact]
    public async Task SignIn_AtTheProvider_LandsOnTheRequestedPageWithNameAndRoles()
    {
        var page = await NewPageAsync();
        try
        {
            var csp = await CspWatch.AttachAsync(page);
            var jobUrl = Dashboard("/jobs/" + WellKnownJobs.Failing).AbsoluteUri;

            await page.GotoAsync(jobUrl);
            await page.WaitForURLAsync(AtProviderSignIn);
            await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Demo sign-in");
            await page.ClickAsync("[data-user=manager]");

            await page.WaitForURLAsync(jobUrl);
            var user = page.GetByTestId("user-box");
            await Assertions.Expect(user).ToContainTextAsync(OidcProvider.Manager.Name);
            await Assertions.Expect(user).ToContainTextAsync("Manager");
            await Assertions.Expect(user).ToContainTextAsync("Staff");
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(WellKnownJobs.Failing);
            await Assertions.Expect(page.GetByTestId("demo-banner")).ToHaveCountAsync(0);

            // The circuit runs under the dashboard's CSP: an interactive lookup works and nothing was blocked.
            await page.WaitForCircuitAsync();
            await page.FillAsync("#job-lookup", WellKnownJobs.Passing);
            await page.PressAsync("#job-lookup", "Enter");
            await page.WaitForURLAsync(url => url.EndsWith("/jobs/" + WellKnownJobs.Passing));
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(WellKnownJobs.Passing);
            Assert.Empty(await csp.ViolationsAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task SignIn_UserWithNoRole_GetsAClear403Page()
    {
        var page = await NewPageAsync();
        try
        {
            await page.GotoAsync(Dashboard("/").AbsoluteUri);
            await page.WaitForURLAsync(AtProviderSignIn);

            var denied = page.WaitForResponseAsync(r => r.Url.StartsWith(Dashboard("/account/denied").AbsoluteUri));
            await page.ClickAsync("[data-user=norole]");

            Assert.Equal(403, (await denied).Status);
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("You don't have access");
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(OidcProvider.NoRole.Name);
            await Assertions.Expect(page.GetByTestId("job-lookup")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task SignOut_EndsTheSession_TheNextVisitSignsInAgain()
    {
        var page = await NewPageAsync();
        try
        {
            var home = Dashboard("/").AbsoluteUri;
            await page.GotoAsync(home);
            await page.WaitForURLAsync(AtProviderSignIn);
            await page.ClickAsync("[data-user=staff]");
            await page.WaitForURLAsync(home);
            await Assertions.Expect(page.GetByTestId("user-box")).ToContainTextAsync(OidcProvider.Staff.Name);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

            // Signed out at the dashboard and at the provider, then sent home, which asks to sign in again.
            await page.WaitForURLAsync(AtProviderSignIn);
            var cookies = await oidc.Browser.CookiesAsync([home]);
            Assert.DoesNotContain(cookies, c => c.Name.StartsWith("filecheck.dashboard", StringComparison.Ordinal));
            await page.GotoAsync(Dashboard("/jobs/" + WellKnownJobs.Passing).AbsoluteUri);
            await page.WaitForURLAsync(AtProviderSignIn);
            await Assertions.Expect(page.Locator("[data-user=staff]")).ToBeVisibleAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
