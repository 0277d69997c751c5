using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Support;

/// <summary>Debian's Chromium driven by Playwright: one persistent context in a fresh profile folder per test class.</summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Browser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    /// <param name="ignoreHttpsErrors">Only for tests whose servers use a test certificate.</param>
    public static async Task<Browser> LaunchAsync(bool ignoreHttpsErrors = false)
    {
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("fc-chromium-").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            IgnoreHTTPSErrors = ignoreHttpsErrors,
            Args = Args,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return new Browser(playwright, context, profile);
    }

    private static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    private static readonly string[] Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>A plain Chromium (no profile) for a test that needs contexts of its own, e.g. one sign-in per context.</summary>
    public static Task<IBrowser> LaunchPlainAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = Args });

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }
}

public static class PageExtensions
{
    /// <summary>Blazor attaches its circuit after the first paint; clicks before that are lost.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.WaitForFunctionAsync("() => window.Blazor && document.querySelector('[data-circuit-ready]') !== null");

    public static async Task SignInAsync(this IPage page, Uri baseAddress, string demoUser, string path = "/")
    {
        // The persistent profile is shared by the collection: start every sign-in signed out.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(new Uri(baseAddress, path).ToString());
        await page.WaitForURLAsync(url => url.Contains("/account/signin"));
        await page.ClickAsync($"[data-testid=demo-user-{demoUser}]");
        await page.WaitForURLAsync(url => !url.Contains("/account/signin"));
    }
}
