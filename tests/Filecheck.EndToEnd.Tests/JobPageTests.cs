using System.Globalization;
using System.Text.RegularExpressions;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests;

[Collection(BrowserCollection.Name)]
public sealed class JobPageTests(DashboardFixture fixture)
{
    private SandboxServer Sandbox => fixture.Host.Sandbox;

    private Task<IPage> OpenAsync(string path) => fixture.OpenAsync(path);

    [Fact]
    public async Task RunningJob_BarGrowsAndFinishesWithoutReload()
    {
        // Steps long enough that a busy machine still sees the running one widen before it ends.
        var id = Sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromSeconds(6));
        var page = await OpenAsync("/jobs/" + id);
        try
        {
            var loads = 0;
            page.Load += (_, _) => loads++;
            var running = page.Locator("[data-testid=timeline-bar].running").First;
            await Assertions.Expect(running).ToBeVisibleAsync();
            // Follow that one step's bar: it must stay on the page and widen, not merely stop being "running".
            var stepId = await running.GetAttributeAsync("data-step-id");
            Assert.False(string.IsNullOrEmpty(stepId));
            var bar = page.Locator($"[data-testid=timeline-bar][data-step-id='{stepId}']");
            var first = await BarWidthPxAsync(bar);

            var firstLabel = await bar.GetAttributeAsync("aria-label");
            // Live: while it still runs, the bar grows on its own: wider, or (when it alone fills the axis, which grows
            // with it) a longer "running for" ...
            await page.WaitForFunctionAsync(
                "([id, w, label]) => { const b = document.querySelector(`[data-testid=timeline-bar][data-step-id='${id}']`); return !!b && b.classList.contains('running') && (b.getBoundingClientRect().width > w + 2 || b.getAttribute('aria-label') !== label); }",
                new object[] { stepId!, first, firstLabel! }, new() { Timeout = 20_000 });
            // ... and the job reaches its end, with no reload of the page.
            await Assertions.Expect(page.Locator("[data-testid=job-header] [data-kind=status]")).ToHaveAttributeAsync("data-value", "done", new() { Timeout = 90_000 });
            Assert.Equal(0, loads);
            // One bar per step that ran, as the API reports the finished job.
            var done = Sandbox.Jobs.Get(id)!;
            var timedSteps = done.Tasks!.Sum(t => t.Steps!.Count(s => s.Started is not null));
            Assert.True(timedSteps > 1, $"the finished job has {timedSteps} timed steps");
            await Assertions.Expect(page.Locator("[data-testid=timeline-bar]")).ToHaveCountAsync(timedSteps);
            await Assertions.Expect(bar).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("live-row")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Timeline_WaitLabels_ShowWholeOrNotAtAll_OnADesktopAndOnAPhone()
    {
        var page = await OpenAsync($"/jobs/{WellKnownJobs.Large}");
        try
        {
            foreach (var width in new[] { 1400, 390 })
            {
                await page.SetViewportSizeAsync(width, 900);
                await Assertions.Expect(page.GetByTestId("timeline-wait").First).ToBeAttachedAsync();
                // Every label drawn holds its whole text: "waiting 2.5 s" where the gap is wide, "2.5 s" where it is not.
                var labels = await page.EvaluateAsync<string[]>("""
                    () => [...document.querySelectorAll('.gantt-wait-label')].filter(l => l.offsetWidth > 0)
                        .map(l => (l.scrollWidth > l.clientWidth + 1 ? 'cut: ' : '') + l.innerText.trim())
                    """);
                Assert.DoesNotContain(labels, l => l.StartsWith("cut: ", StringComparison.Ordinal));
                Assert.All(labels, l => Assert.Matches(@"^(waiting )?[\d.]+ ?(ms|s|m|h)", l));
                if (width == 1400) Assert.Contains(labels, l => l.StartsWith("waiting ", StringComparison.Ordinal));
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task ProofsTab_LoadsRealImagesThroughTheDashboard()
    {
        var page = await OpenAsync($"/jobs/{WellKnownJobs.Warning}?tab=proofs");
        try
        {
            var images = page.GetByTestId("proof-image");
            await Assertions.Expect(images.First).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=proof-image]')].every(i => i.complete && i.naturalWidth > 0)");
            var sources = await images.EvaluateAllAsync<string[]>("els => els.map(e => e.src)");
            Assert.All(sources, s => Assert.StartsWith(fixture.Host.BaseAddress + "jobs/", s));
            Assert.DoesNotContain(Sandbox.ApiKey, await page.ContentAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task DeepLink_FileAndStep_OpensThatStepsDetail()
    {
        var job = Sandbox.Jobs.Get(WellKnownJobs.Failing)!;
        var task = job.Tasks![0];
        var step = task.Steps!.First(s => s.Outcome == "fail");
        var page = await OpenAsync($"/jobs/{job.Id}?file={task.Id}&step={step.Id}");
        try
        {
            var detail = page.GetByTestId("step-detail");
            await Assertions.Expect(detail).ToHaveAttributeAsync("data-step-id", step.Id);
            await Assertions.Expect(detail).ToContainTextAsync(step.Reason!);
            await Assertions.Expect(page.Locator($"[data-testid=timeline-bar][data-step-id='{step.Id}'].selected")).ToHaveCountAsync(1);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Keyboard_JAndKMoveBetweenFiles_EscapeClosesThePanel()
    {
        var job = Sandbox.Jobs.Get(WellKnownJobs.Large)!;
        var page = await OpenAsync($"/jobs/{job.Id}");
        try
        {
            await page.Locator("h1").First.ClickAsync();

            await page.Keyboard.PressAsync("j");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("file=" + job.Tasks![0].Id));
            await page.Keyboard.PressAsync("j");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("file=" + job.Tasks![1].Id));
            await Assertions.Expect(page.GetByTestId("selection-panel")).ToContainTextAsync(job.Tasks![1].DisplayName);
            await page.Keyboard.PressAsync("k");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("file=" + job.Tasks![0].Id));

            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("file="));
            await Assertions.Expect(page.GetByTestId("selection-panel")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task<double> BarWidthPxAsync(ILocator bar) =>
        double.Parse((await bar.EvaluateAsync<double>("b => b.getBoundingClientRect().width")).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
