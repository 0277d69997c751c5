using System.Diagnostics;
using System.Globalization;
using Filecheck.Sandbox;
using Filecheck.Testing;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Jobs;

/// <summary>
/// The job page in Chromium while the API fails and comes back: it says what happened, keeps asking by itself, and
/// shows the fresh job once Filecheck answers, with no reload (a mark left on <c>window</c> survives, no load event).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class JobPageRecoveryTests(DashboardFixture fixture)
{
    private SandboxServer Sandbox => fixture.Host.Sandbox;

    /// <summary>Marks the document, so that a reload (which would clear the mark) cannot pass for a recovery.</summary>
    private static async Task<Func<Task>> NoReloadAsync(IPage page)
    {
        var loads = 0;
        page.Load += (_, _) => loads++;
        await page.EvaluateAsync("() => { window.__sameDocument = 'still here'; }");
        return async () =>
        {
            Assert.Equal("still here", await page.EvaluateAsync<string?>("() => window.__sameDocument ?? null"));
            Assert.Equal(0, loads);
        };
    }

    [Fact]
    public async Task StoredJob_FilecheckFailsOnRefresh_ShowsTheStaleCopy_ThenTheFreshOneByItself()
    {
        var page = await fixture.OpenAsync("/jobs/" + WellKnownJobs.Failing);
        var recovered = TimeSpan.Zero;
        try
        {
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(WellKnownJobs.Failing);
            var sameDocument = await NoReloadAsync(page);

            Sandbox.Faults.Always(SandboxFault.Unavailable);
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            var banner = page.GetByTestId("stale-banner");
            await Assertions.Expect(banner).ToContainTextAsync("Filecheck is not answering");
            await Assertions.Expect(page.GetByTestId("stale-recovering")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(WellKnownJobs.Failing);

            Sandbox.Faults.Clear();
            var since = Stopwatch.StartNew();
            await Assertions.Expect(banner).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            recovered = since.Elapsed;
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(WellKnownJobs.Failing);
            await sameDocument();
        }
        finally
        {
            Sandbox.Faults.Clear();
            await page.CloseAsync();
        }
        Write("503 from the API on Refresh of a job the history holds", "“Stale since … because Filecheck is not answering”, the stored copy, “keeps asking”", recovered);
    }

    [Fact]
    public async Task NewJob_ConnectionRefused_SaysSo_ThenShowsTheJobByItselfWhenTheApiListensAgain()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        var recovered = TimeSpan.Zero;
        try
        {
            await page.SignInAsync(fixture.Host.BaseAddress, "staff");
            await page.WaitForCircuitAsync();
            // The API's listener closed first: the job made now cannot reach the history (its webhook's fetch is refused
            // too), so the page has only the failure to show.
            await Sandbox.StopListeningAsync();
            var id = Sandbox.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMinutes(5));
            await page.GotoAsync(new Uri(fixture.Host.BaseAddress, "/jobs/" + id).ToString());
            await page.WaitForCircuitAsync();
            var failed = page.GetByTestId("job-problem");
            await Assertions.Expect(failed).ToContainTextAsync("Filecheck is not answering right now");
            await Assertions.Expect(page.GetByTestId("job-recovering")).ToBeVisibleAsync();
            var sameDocument = await NoReloadAsync(page);

            await Sandbox.ListenAgainAsync();
            var since = Stopwatch.StartNew();
            await Assertions.Expect(page.GetByTestId("job-header")).ToContainTextAsync(id, new() { Timeout = 30_000 });
            await Assertions.Expect(failed).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            recovered = since.Elapsed;
            await Assertions.Expect(page.GetByTestId("live-row")).ToBeVisibleAsync();
            await sameDocument();
        }
        finally
        {
            await Sandbox.ListenAgainAsync();
            await page.CloseAsync();
        }
        Write("refused connection (the API's listener closed) on a job made a moment ago", "“Filecheck is not answering: Filecheck is not answering right now. Try again in a minute.”, “keeps asking”", recovered);
    }

    private static readonly Lock Gate = new();
    private static readonly SortedDictionary<string, string> Rows = new(StringComparer.Ordinal);

    /// <summary>One row per scenario; the section holds every scenario this run measured.</summary>
    private static void Write(string fault, string shown, TimeSpan recovered)
    {
        lock (Gate)
        {
            Rows[fault] = string.Create(CultureInfo.InvariantCulture, $"| {fault} | {shown} | {recovered.TotalSeconds:0.0} s |");
            ReliabilityReport.Write("faults-chromium",
                "The job page in Debian's Chromium against the dashboard on real Kestrel (its built-in sandbox over HTTP, the client's default timeouts and retries). Asserted: the failure in words, the page saying it keeps asking, the fresh job after the API answers again with no reload (a mark on `window` survives, no load event). The recovery time is measured, not asserted.\n\n" +
                "| fault | what the page showed | fresh job on the page after the API answered |\n|---|---|---:|\n" + string.Join("\n", Rows.Values));
        }
    }
}
