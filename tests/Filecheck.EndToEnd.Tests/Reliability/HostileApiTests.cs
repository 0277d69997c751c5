using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Filecheck.Testing;
using Filecheck.Dashboard.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// The dashboard against an API whose answers are valid by the spec but extreme (<see cref="HostileAnswers"/>): in
/// Chromium, every page that shows them renders, with no error UI, and no payload's script ever runs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileApiTests(DashboardFixture fixture, HostileDashboard hostile, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<HostileDashboard>
{
    private sealed record CaseFigures(string JobId, string What, int Views, TimeSpan FirstRender, TimeSpan Total);

    [Fact]
    public async Task HostileAnswers_EveryPageRenders_NoErrorUi_NoScriptRuns()
    {
        var page = await fixture.Browser.Context.NewPageAsync();
        var problems = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            problems.Add("a dialog opened: " + dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => problems.Add("a script error: " + error);
        // Set before every document's own scripts: a payload that runs sets it to 1.
        await page.AddInitScriptAsync(HostileAnswers.Canary + " = 0;");
        var figures = new List<CaseFigures>();
        var views = 0;
        var historyWait = TimeSpan.Zero;
        try
        {
            await page.SignInAsync(hostile.Host.BaseAddress, "admin", "/");
            await page.WaitForCircuitAsync();
            foreach (var hostileCase in hostile.Api.Cases)
            {
                var before = views;
                var clock = Stopwatch.StartNew();
                var (first, count) = await JobViewsAsync(page, hostileCase, problems);
                views += count;
                figures.Add(new CaseFigures(hostileCase.JobId, hostileCase.What, views - before, first, clock.Elapsed));
            }

            // The pages that show the jobs once they are in the history: the writes a page did not wait for, finished.
            var writes = Stopwatch.StartNew();
            await hostile.Host.Services.GetRequiredService<WriteThrough>().IdleAsync().WaitAsync(TimeSpan.FromMinutes(2));
            historyWait = writes.Elapsed;
            await OpenAsync(page, "/");
            await Assertions.Expect(page.Locator("a[href='/jobs/job_hostile_text']").First).ToBeVisibleAsync();
            await AssertHealthyAsync(page, "home", problems);
            await OpenAsync(page, "/jobs");
            foreach (var hostileCase in hostile.Api.Cases.Where(c => c.JobResponse["job"]!["createdAt"] is not null))
            {
                await Assertions.Expect(page.Locator($"[data-testid=jobs-row][data-job={hostileCase.JobId}]")).ToBeVisibleAsync();
            }
            await AssertHealthyAsync(page, "jobs list", problems);
            await OpenAsync(page, "/jobs?range=all&q=" + Uri.EscapeDataString("hostile@example.com"));
            await Assertions.Expect(page.GetByTestId("jobs-total")).ToBeVisibleAsync();
            await AssertHealthyAsync(page, "jobs list searched", problems);
            await OpenAsync(page, "/trends");
            await Assertions.Expect(page.GetByTestId("trends-summary")).ToContainTextAsync("finished jobs");
            await AssertHealthyAsync(page, "trends", problems);
            views += 4;
        }
        finally
        {
            await page.CloseAsync();
            // For a person reading a failure: what the dashboard logged as an error, exception and all.
            foreach (var line in hostile.Logs.Lines.Where(l => l.Level >= LogLevel.Error).Take(5)) output.WriteLine(line.Text);
        }

        var errors = hostile.Logs.Lines.Where(l => l.Level >= LogLevel.Error).ToList();
        ReliabilityReport.Write("hostile-api", Report(figures, views, historyWait, problems, errors));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(errors.Count == 0, string.Join("\n\n", errors.Take(5).Select(e => e.Text)));
    }

    /// <summary>The job page of one case: each file's steps open on the timeline, a file's detail, then each tab.</summary>
    private async Task<(TimeSpan FirstRender, int Views)> JobViewsAsync(IPage page, HostileAnswers.Case hostileCase, List<string> problems)
    {
        var id = hostileCase.JobId;
        var clock = Stopwatch.StartNew();
        await OpenAsync(page, "/jobs/" + id);
        await Assertions.Expect(page.GetByTestId("job-header")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("timeline")).ToBeVisibleAsync();
        var first = clock.Elapsed;
        await AssertHealthyAsync(page, id, problems);
        var views = 1;

        var tasks = hostileCase.JobResponse["job"]!["tasks"]!.AsArray();
        foreach (var task in tasks.Take(2))
        {
            var taskId = (string)task!["id"]!;
            await NavigateAsync(page, $"/jobs/{id}?file={taskId}");
            await Assertions.Expect(page.GetByTestId("selection-panel")).ToBeVisibleAsync();
            await AssertHealthyAsync(page, $"{id} file {taskId}", problems);
            views++;
            foreach (var step in task["steps"]!.AsArray())
            {
                var stepId = (string)step!["id"]!;
                await NavigateAsync(page, $"/jobs/{id}?file={taskId}&step={stepId}");
                await Assertions.Expect(page.GetByTestId("step-detail")).ToHaveAttributeAsync("data-step-id", stepId);
                await AssertHealthyAsync(page, $"{id} step {stepId}", problems);
                views++;
            }
        }

        foreach (var (tab, ready) in new[] { ("files", "files-table"), ("proofs", "runs"), ("raw", "raw-json") })
        {
            await NavigateAsync(page, $"/jobs/{id}?tab={tab}");
            var shown = tab == "proofs" && tasks.Count == 0
                ? page.GetByText("no files with proofs")
                : page.GetByTestId(ready);
            await Assertions.Expect(shown).ToBeVisibleAsync();
            if (tab == "raw")
            {
                await Assertions.Expect(shown).ToContainTextAsync(id);
                // Megabytes of JSON: the page shows its start and says so; the download has it all.
                if (tasks.Count >= 1_000) await Assertions.Expect(page.GetByTestId("raw-json-cut")).ToBeVisibleAsync();
            }
            await AssertHealthyAsync(page, $"{id} {tab}", problems);
            views++;
        }
        return (first, views);
    }

    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(hostile.Host.BaseAddress, path).ToString());
        await page.WaitForCircuitAsync();
    }

    /// <summary>As a click on a link would: in the same circuit.</summary>
    private static async Task NavigateAsync(IPage page, string path)
    {
        await page.EvaluateAsync("path => Blazor.navigateTo(path)", path);
        await page.WaitForURLAsync(new Regex(Regex.Escape(path) + "$"));
    }

    /// <summary>
    /// No error bar, no error boundary, the canary untouched; nothing wider than the window (a 10 KB word would push the
    /// page sideways) and every timeline bar and wait inside its track.
    /// </summary>
    private static async Task AssertHealthyAsync(IPage page, string what, List<string> problems)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        if (overflow > 1)
        {
            var culprits = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                    && !(e.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
                    .slice(0, 4).map(e => e.parentElement.tagName + '.' + e.parentElement.className + ' > ' + e.tagName + '.' + e.className + ' ' + (e.dataset.testid || '') + ' ' + (e.textContent || '').slice(0, 40))
                """);
            problems.Add($"{what}: the page is {overflow} px wider than the window ({string.Join("; ", culprits)})");
        }
        var outside = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-testid=timeline-bar], [data-testid=timeline-wait]')].filter(b => {
                const t = b.closest('.gantt-track').getBoundingClientRect(), r = b.getBoundingClientRect();
                return r.left < t.left - 1 || r.right > t.right + 1 || r.width < 0;
            }).map(b => b.dataset.stepId || 'a wait')
            """);
        if (outside.Length > 0) problems.Add($"{what}: timeline bars outside their track: {string.Join(", ", outside)}");
        if (await page.Locator("#blazor-error-ui").IsVisibleAsync()) problems.Add($"{what}: the error bar is shown");
        if (await page.Locator("[data-testid=page-error], .blazor-error-boundary").CountAsync() > 0) problems.Add($"{what}: an error boundary is shown");
        var canary = await page.EvaluateAsync<int?>(HostileAnswers.Canary);
        if (canary != 0) problems.Add($"{what}: the canary is {canary?.ToString(CultureInfo.InvariantCulture) ?? "gone"}: a payload ran");
    }

    private static string Report(List<CaseFigures> figures, int views, TimeSpan historyWait, List<string> problems, List<CapturedLog> errors)
    {
        var text = new StringBuilder();
        text.AppendLine("The dashboard's real client reads a Filecheck-compatible API on loopback (`Filecheck:BaseUrl`) whose answers are valid "
            + "by the vendor's spec (checked by `HostileAnswerSpecTests`) but extreme. In Chromium, as an admin: each job's page with each of "
            + "its first two files' detail and every step of them open, then the files, proofs and raw JSON tabs; then the home page, the "
            + "jobs list and a search of it (the jobs are in the history from the lookups) and the trends. Asserted after every view: no "
            + "`#blazor-error-ui`, no error boundary, `window.__pwned` still 0 (set before the page's scripts; every payload would set it "
            + "to 1), no dialog, no script error in the page, and no log line at Error or above.");
        text.AppendLine();
        text.AppendLine("| case | job | views | job page shown in | all views in |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var f in figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {f.What} | `{f.JobId}` | {f.Views} | {f.FirstRender.TotalSeconds:0.0} s | {f.Total.TotalSeconds:0.0} s |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{views} views in all, {figures.Count} cases plus the home page, the jobs list (twice) and the trends. "
            + $"Failures: {problems.Count}; log lines at Error or above: {errors.Count}. The history's writes of the seven jobs (which no page "
            + $"waits for beyond 300 ms; the 5,000-file one is 20,000 rows) were done {historyWait.TotalSeconds:0.0} s after the last job page.");
        foreach (var p in problems.Take(20)) text.AppendLine("- " + p.Replace("|", "\\|"));
        return text.ToString();
    }
}
