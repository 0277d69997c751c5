namespace Filecheck.EndToEnd.Tests.Support;

/// <summary>Browser tests run one at a time: two cores, one Chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "browser";
}

/// <summary>One dashboard (on its sandbox) and one Chromium for the whole collection.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public DashboardHost Host { get; } = new();
    public Browser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Host.Start();
        Browser = await Browser.LaunchAsync();
    }

    /// <summary>A new page, signed in as <paramref name="demoUser"/>, on <paramref name="path"/> with its circuit attached.</summary>
    public async Task<Microsoft.Playwright.IPage> OpenAsync(string path, string demoUser = "staff")
    {
        var page = await Browser.Context.NewPageAsync();
        await page.SignInAsync(Host.BaseAddress, demoUser, path);
        await page.WaitForCircuitAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Host.DisposeAsync();
    }
}
