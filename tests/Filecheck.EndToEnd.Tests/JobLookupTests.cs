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

            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/jobs/" + WellKnownJobs.Failing + "$"));
            var header = page.GetByTestId("job-header");
            await Assertions.Expect(header).ToContainTextAsync(WellKnownJobs.Failing);
            await Assertions.Expect(header).ToContainTextAsync("Failed");

            // One timeline row per file, named; one bar per step, labelled with its duration.
            var names = page.Locator("[data-testid=timeline-row] .gantt-file-name");
            await Assertions.Expect(names.First).ToBeVisibleAsync();
            Assert.All(await names.AllInnerTextsAsync(), n => Assert.Matches(@"\.\w{2,4}$", n.Trim()));
            var labels = await page.Locator("[data-testid=timeline-bar] .gantt-bar-label").AllInnerTextsAsync();
            Assert.NotEmpty(labels);
            Assert.All(labels, l => Assert.Matches(new Regex(@"^\w+ · (\d+(\.\d)? (ms|s)|\d+m \d{2}s)$"), l.Trim()));

            // The failed step's reason, in words, one click away.
            await page.Locator("[data-testid=timeline-bar].outcome-fail").First.ClickAsync();
            await Assertions.Expect(page.GetByTestId("step-reason")).ToContainTextAsync(new Regex(@"\w{4,}"));
            var durations = await page.GetByTestId("step-duration").AllInnerTextsAsync();
            Assert.NotEmpty(durations);
            Assert.All(durations, d => Assert.Matches(new Regex(@"^\d+(\.\d)?\s?(ms|s)$|^\d+m \d{2}s$"), d.Trim()));
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
