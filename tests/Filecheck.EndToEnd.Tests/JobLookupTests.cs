using System.Text.RegularExpressions;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests;

[Collection(BrowserCollection.Name)]
public sealed class JobLookupTests(DashboardFixture fixture)
{
    [Fact]
    public async Task LookUp_WellKnownFailingJob_ShowsFileNamesAndStepDurations()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "staff");
            await page.WaitForCircuitAsync();

            await page.FillAsync("#job-lookup", "  " + WellKnownJobs.Failing + "  ");
            await page.PressAsync("#job-lookup", "Enter");

            await page.WaitForURLAsync(url => url.EndsWith("/jobs/" + WellKnownJobs.Failing));
            var header = page.GetByTestId("job-header");
            await Assertions.Expect(header).ToContainTextAsync(WellKnownJobs.Failing);
            await Assertions.Expect(header).ToContainTextAsync("Failed");

            var files = page.GetByTestId("file-card");
            await Assertions.Expect(files.First).ToBeVisibleAsync();
            var names = await page.Locator("[data-testid=file-card] .file-name").AllInnerTextsAsync();
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.Matches(@"\.\w{2,4}$", n.Trim()));

            var durations = await page.GetByTestId("step-duration").AllInnerTextsAsync();
            Assert.NotEmpty(durations);
            Assert.All(durations, d => Assert.Matches(new Regex(@"^\d+(\.\d)?\s?(ms|s)$|^\d+m \d{2}s$"), d.Trim()));

            // The failure reason is shown in words, not only as a colour.
            var reasons = await page.Locator("[data-testid=step-row] .reason").AllInnerTextsAsync();
            Assert.Contains(reasons, r => r.Trim().Length > 10);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task SlashKey_FromAnywhereOnThePage_FocusesTheLookupBox()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "staff", "/jobs/" + WellKnownJobs.Passing);
            await page.WaitForCircuitAsync();
            await page.Locator("h1").First.ClickAsync();

            await page.Keyboard.PressAsync("/");

            var focusedId = await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.id");
            Assert.Equal("job-lookup", focusedId);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task LookUp_InvalidText_ShowsReasonAndStaysOnPage()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "staff");
            await page.WaitForCircuitAsync();
            var before = page.Url;

            await page.FillAsync("#job-lookup", "../../etc/passwd");
            await page.PressAsync("#job-lookup", "Enter");

            await Assertions.Expect(page.Locator(".lookup-box .mud-input-helper-text.mud-input-error, .lookup-box .mud-input-error"))
                .Not.ToHaveCountAsync(0);
            Assert.Equal(before, page.Url);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
