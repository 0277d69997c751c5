using System.Diagnostics;
using System.Globalization;
using Filecheck.Dashboard.Jobs.Steps;
using Filecheck.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// A component that throws in a live circuit (the step detail, made to fail once by the test host's component activator):
/// the page shows the layout's error boundary in words with a retry, never Blazor's error bar; the exception is logged
/// once, with the job's ID and without the key; the retry brings the part back in the same circuit.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CircuitErrorTests(DashboardFixture fixture, HostileDashboard dashboard) : IClassFixture<HostileDashboard>
{
    // A finished job (no live updates) whose two first steps have bars.
    private const string JobId = "job_hostile_time";

    [Fact]
    public async Task ComponentThrows_ShowsTheRetryNotTheErrorBar_LogsOnceWithTheJobAndNotTheKey_RetryRecovers()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        var reloads = 0;
        page.Load += (_, _) => reloads++;
        var fault = new InvalidOperationException("Simulated fault in the step detail " + Guid.NewGuid().ToString("N"));
        TimeSpan shownIn;
        try
        {
            await page.SignInAsync(dashboard.Host.BaseAddress, "staff", "/jobs/" + JobId);
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("job-header")).ToBeVisibleAsync();
            reloads = 0;

            dashboard.Faults.FailNext(typeof(StepDetail), fault);
            var clock = Stopwatch.StartNew();
            await OpenStepAsync(page, "step_time_1");

            var error = page.GetByTestId("page-error");
            await Assertions.Expect(error).ToBeVisibleAsync();
            shownIn = clock.Elapsed;
            await Assertions.Expect(error).ToContainTextAsync("This page stopped working");
            await Assertions.Expect(error).ToContainTextAsync("Nothing was changed");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator(".blazor-error-boundary")).ToHaveCountAsync(0);
            // The layout (the app bar, the navigation) is still there, and so is the circuit.
            await Assertions.Expect(page.GetByTestId("user-box")).ToBeVisibleAsync();

            await page.GetByTestId("page-error-retry").ClickAsync();
            await Assertions.Expect(page.GetByTestId("step-detail")).ToHaveAttributeAsync("data-step-id", "step_time_1");
            await Assertions.Expect(error).ToHaveCountAsync(0);
            // Still the same circuit: another step opens without a reload.
            await OpenStepAsync(page, "step_time_3");
            await Assertions.Expect(page.GetByTestId("step-detail")).ToHaveAttributeAsync("data-step-id", "step_time_3");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            Assert.Equal(0, reloads);
        }
        finally
        {
            await page.CloseAsync();
        }

        var lines = dashboard.Logs.Lines.ToList();
        var logged = lines.Where(l => l.Text.Contains(fault.Message, StringComparison.Ordinal)).ToList();
        var withKey = lines.Count(l => l.Text.Contains(HostileDashboard.Key, StringComparison.Ordinal));
        ReliabilityReport.Write("circuit-errors", string.Create(CultureInfo.InvariantCulture, $"""
            In Chromium, on a job page in a live circuit, the step detail component was made to throw once as it got its parameters (the
            test host's component activator; the dashboard has no such switch), on opening a step. Asserted: the layout's error
            boundary (`PageErrorBoundary`, around every page's content) shows "This page stopped working" with a "Try again" button, in
            the layout, with Blazor's error bar hidden and no default boundary; "Try again" brings the step detail back and the same
            circuit goes on (another step opens, no reload); the exception is logged once, at Error, with the job's ID, and no log line
            holds the key. The same is proved without a browser by `PageErrorBoundaryTests` (bUnit).

            | figure | value |
            |---|---:|
            | error boundary shown after opening the step | {shownIn.TotalSeconds:0.00} s |
            | log lines carrying the exception | {logged.Count} (level {string.Join(", ", logged.Select(l => l.Level))}) |
            | log lines searched for the key (every level, Trace up) | {lines.Count:N0} |
            | log lines holding the key | {withKey} |
            """));

        var line = Assert.Single(logged);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Same(fault, line.Exception);
        Assert.Contains("job " + JobId, line.Message);
        Assert.Equal(0, withKey);
    }

    /// <summary>As a click on the step does: the page's address changes in the same circuit (the job's bars overlap at this scale).</summary>
    private static Task OpenStepAsync(IPage page, string stepId) =>
        page.EvaluateAsync("path => Blazor.navigateTo(path)", $"/jobs/{JobId}?file=task_time_1&step={stepId}");
}
