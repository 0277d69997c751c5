using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Sharing;

/// <summary>
/// Customer success shares proofs; a customer on a phone, never signed in and with JavaScript off, sees them, approves
/// one file and asks for changes on the other; customer success sees both answers on the job page; revoked, the link is gone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ShareJourneyTests(DashboardFixture fixture) : IAsyncLifetime
{
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private IPlaywright _playwright = default!;
    private IBrowser _customerBrowser = default!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        // A browser of its own: nothing of the staff's sign-in (cookies, storage) can reach the customer.
        _customerBrowser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _customerBrowser.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>MudBlazor puts a field's attributes on its input (or textarea), or on a wrapper around it.</summary>
    internal static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    internal static async Task<string> CreateShareAsync(IPage staff, int files = 2)
    {
        await staff.GetByTestId("share-open").ClickAsync();
        var dialog = staff.GetByTestId("share-dialog");
        await Assertions.Expect(staff.GetByTestId("share-candidate")).ToHaveCountAsync(files);
        await Field(staff, "share-recipient-name").FillAsync("Lena Jensen");
        await Field(staff, "share-recipient-email").FillAsync("lena.jensen@example.com");
        await Field(staff, "share-note-input").FillAsync("Here are your flyers <b>for print</b>.");
        await staff.GetByTestId("share-create").ClickAsync();
        var link = Field(staff, "share-link");
        await Assertions.Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/s/[A-Za-z0-9_-]{43}$"));
        var url = await link.InputValueAsync();
        await Assertions.Expect(Field(staff, "share-message")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Hello Lena Jensen,[\\s\\S]*" + System.Text.RegularExpressions.Regex.Escape(url)));
        await staff.GetByTestId("share-close").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        return url;
    }

    private static async Task DecideAsync(IPage customer, int file, string button, string name, string? note = null)
    {
        var section = customer.Locator($"[data-testid=share-file][data-position='{file}']");
        if (note is not null) await section.GetByTestId("share-note").FillAsync(note);
        await section.GetByTestId("share-name").FillAsync(name);
        await section.GetByTestId(button).ClickAsync();
        await Assertions.Expect(customer.Locator($"[data-testid=share-file][data-position='{file}'] [data-testid=share-decision]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Share_CustomerOnAPhoneWithoutScript_ApprovesOneAndAsksChangesOnTheOther_StaffSeesBoth_RevokedIsGone()
    {
        var staff = await fixture.Browser.Context.NewPageAsync();
        await using var customerContext = await _customerBrowser.NewContextAsync(new() { ViewportSize = Phone, JavaScriptEnabled = false, IsMobile = true, HasTouch = true });
        try
        {
            await staff.SignInAsync(fixture.Host.BaseAddress, "cs", "/jobs/" + WellKnownJobs.Warning);
            await staff.WaitForCircuitAsync();
            var url = await CreateShareAsync(staff);

            var customer = await customerContext.NewPageAsync();
            var first = await customer.GotoAsync(url);
            Assert.Equal(200, first!.Status);
            Assert.Equal("no-store", first.Headers["cache-control"]);
            Assert.Contains("noindex", first.Headers["x-robots-tag"]);
            await Assertions.Expect(customer.GetByTestId("share-file")).ToHaveCountAsync(2);
            await Assertions.Expect(customer.GetByText("Here are your flyers <b>for print</b>.")).ToBeVisibleAsync();
            var proofs = customer.GetByTestId("share-proof");
            Assert.True(await proofs.CountAsync() >= 2);
            foreach (var proof in await proofs.AllAsync())
            {
                await proof.ScrollIntoViewIfNeededAsync();
                await Assertions.Expect(proof).ToHaveJSPropertyAsync("complete", true);
                Assert.True(await proof.EvaluateAsync<int>("i => i.naturalWidth") > 0, "a proof image did not load");
            }
            // Reads on a phone: nothing wider than the screen.
            Assert.True(await customer.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Phone.Width);
            var html = await customer.ContentAsync();
            foreach (var hidden in new[] { WellKnownJobs.Warning, "order_6120", "cust_977", "lena.jensen@example.com", "Minimum Resolution", fixture.Host.Sandbox.ApiKey })
            {
                Assert.DoesNotContain(hidden, html);
            }

            await DecideAsync(customer, 1, "share-approve", "Lena Jensen");
            await DecideAsync(customer, 2, "share-changes", "Lena Jensen", "Please raise the resolution of the photo.");

            // Customer success, on the job page all along, sees both answers arrive without reloading.
            var approvals = staff.GetByTestId("proof-approval");
            await Assertions.Expect(staff.Locator("[data-testid=proof-approval][data-decision=approved]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
            await Assertions.Expect(staff.Locator("[data-testid=proof-approval][data-decision=changes]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
            await Assertions.Expect(staff.GetByTestId("proof-approvals")).ToContainTextAsync("Please raise the resolution of the photo.");
            Assert.Equal(2, await approvals.CountAsync());

            // "My shares": the state, the views and the audit; then revoke.
            await staff.GotoAsync(new Uri(fixture.Host.BaseAddress, "/shares").ToString());
            await staff.WaitForCircuitAsync();
            var row = staff.GetByTestId("share-row").First;
            await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "ChangesRequested");
            await Assertions.Expect(row).ToContainTextAsync("Lena Jensen");
            await row.GetByTestId("share-audit-toggle").ClickAsync();
            var audit = staff.GetByTestId("share-audit").First;
            await Assertions.Expect(audit).ToContainTextAsync("create by Cody Success");
            await Assertions.Expect(audit).ToContainTextAsync("view by recipient");
            await Assertions.Expect(audit).ToContainTextAsync("decision by recipient");
            await row.GetByTestId("share-revoke").ClickAsync();
            await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Revoked");

            var reloaded = await customer.ReloadAsync();
            Assert.Equal(404, reloaded!.Status);
            await Assertions.Expect(customer.Locator("h1")).ToHaveTextAsync("This link is not available");
            Assert.DoesNotContain("flyer_A5", await customer.ContentAsync());
        }
        finally
        {
            await staff.CloseAsync();
        }
    }

    [Fact]
    public async Task PublicPage_OnAPhone_HasNoSeriousOrCriticalAccessibilityViolations()
    {
        var staff = await fixture.Browser.Context.NewPageAsync();
        await using var customerContext = await _customerBrowser.NewContextAsync(new() { ViewportSize = Phone, IsMobile = true });
        try
        {
            await staff.SignInAsync(fixture.Host.BaseAddress, "cs", "/jobs/" + WellKnownJobs.Warning);
            await staff.WaitForCircuitAsync();
            var url = await CreateShareAsync(staff);
            var customer = await customerContext.NewPageAsync();
            await customer.GotoAsync(url);
            await Assertions.Expect(customer.GetByTestId("share-form").First).ToBeVisibleAsync();

            var results = await customer.RunAxe();

            var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad.Select(v => $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
        }
        finally
        {
            await staff.CloseAsync();
        }
    }
}
