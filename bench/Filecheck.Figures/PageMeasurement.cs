using System.Diagnostics;
using System.Text.RegularExpressions;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// A job page opened in a new tab until its header and answer are drawn (a cached job: opened once before), beside a
/// static copy of the same drawn page served by the same Kestrel; a filter change on the files tab; the DOM's size.
/// </summary>
public sealed partial class PageMeasurement : IMeasurement
{
    public string Name => "page";
    private const string Drawn = "[data-testid=job-header] >> nth=0";
    private const string Answer = "[data-testid=answer-headline]";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var figures = new List<Figure>();
        var samples = context.Quick ? 3 : 5;
        foreach (var (id, files, target) in new[] { (WellKnownJobs.Passing, 1, 300.0), (WellKnownJobs.Large, 200, 500.0) })
        {
            await OpenAsync(context, "/jobs/" + id, Answer, close: true); // the first lookup fills the cache
            var snapshot = await StaticCopyAsync(context, id);
            var page = new List<double>();
            var floor = new List<double>();
            for (var i = 0; i < samples; i++)
            {
                page.Add((await OpenAsync(context, "/jobs/" + id, Answer, close: true)).Ms);
                floor.Add((await OpenAsync(context, snapshot, Answer, close: true)).Ms);
            }
            figures.Add(new Figure("page", $"open in a new tab, {files} file{(files == 1 ? "" : "s")}, p50", Stats.Percentile(page, 50), "ms")
            {
                Floor = Stats.Percentile(floor, 50), FloorName = "the same page, static", Target = target,
                Note = $"p95 {Figure.Format(Stats.Percentile(page, 95))} ms; {samples} tabs",
            });
        }

        // Files tab of the 200-file job: a filter typed and confirmed, until the count says 10 of 200.
        {
            var times = new List<double>();
            for (var i = 0; i < (context.Quick ? 2 : 3); i++)
            {
                var (tab, _) = await OpenAsync(context, $"/jobs/{WellKnownJobs.Large}?tab=files", "[data-testid=files-table]", close: false);
                await tab.WaitForFunctionAsync("() => document.querySelector('[data-circuit-ready]') !== null || window.Blazor");
                var clock = Stopwatch.StartNew();
                await tab.FillAsync("#files-filter", "page-01");
                await tab.PressAsync("#files-filter", "Enter");
                await tab.WaitForFunctionAsync("() => (document.querySelector('[data-testid=files-count]')?.textContent ?? '').trim().startsWith('10 of')");
                times.Add(clock.Elapsed.TotalMilliseconds);
                await tab.CloseAsync();
            }
            figures.Add(new Figure("page", "files tab filter change, 200 files, p50", Stats.Percentile(times, 50), "ms") { Target = 200 });
        }

        // DOM size at 200 files and the 2,000-file job's page drawn, when the sandbox has it.
        foreach (var (id, files) in new[] { (WellKnownJobs.Large, 200), (WellKnownJobs.Huge, 2000) })
        {
            // Counted once the rows are drawn: the answer comes first, the (virtualized) rows after it.
            var (tab, ms) = await OpenAsync(context, "/jobs/" + id, "[data-testid=timeline-row]", close: false);
            var nodes = await StableElementCountAsync(tab);
            await tab.CloseAsync(new() { RunBeforeUnload = true });
            var (filesTab, _) = await OpenAsync(context, $"/jobs/{id}?tab=files", "[data-testid=files-row]", close: false);
            var filesNodes = await StableElementCountAsync(filesTab);
            await filesTab.CloseAsync(new() { RunBeforeUnload = true });
            if (files == 2000)
                figures.Add(new Figure("page", "open in a new tab, 2,000 files, until its timeline rows are drawn", ms, "ms") { Target = 1000, Note = "first open (not cached)" });
            figures.Add(new Figure("page", $"DOM elements, {files:#,0} files (timeline tab)", nodes, "elements"));
            figures.Add(new Figure("page", $"DOM elements, {files:#,0} files (files tab)", filesNodes, "elements"));
        }
        return figures;
    }

    /// <summary>A new tab, the address, until <paramref name="selector"/> is drawn; the time from the new tab on.</summary>
    public static async Task<(IPage Page, double Ms)> OpenAsync(BenchContext context, string path, string selector, bool close)
    {
        var clock = Stopwatch.StartNew();
        var page = await context.Staff.NewPageAsync();
        await page.GotoAsync(context.Url(path), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(Drawn);
        await page.WaitForSelectorAsync(selector);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (close) await page.CloseAsync(new() { RunBeforeUnload = true });
        return (page, ms);
    }

    /// <summary>The page's element count once two readings 250 ms apart agree (the virtualized rows fill in after the first).</summary>
    private static async Task<int> StableElementCountAsync(IPage page)
    {
        var last = -1;
        for (var i = 0; i < 40; i++)
        {
            var now = await page.EvaluateAsync<int>("() => document.getElementsByTagName('*').length");
            if (now == last) return now;
            last = now;
            await page.WaitForTimeoutAsync(250);
        }
        return last;
    }

    /// <summary>The drawn page's HTML without its scripts, served by the dashboard's Kestrel: what the same bytes cost static.</summary>
    private static async Task<string> StaticCopyAsync(BenchContext context, string id)
    {
        var (page, _) = await OpenAsync(context, "/jobs/" + id, Answer, close: false);
        var html = await page.EvaluateAsync<string>("() => '<!DOCTYPE html>' + document.documentElement.outerHTML");
        await page.CloseAsync(new() { RunBeforeUnload = true });
        return context.Statics.Put(id, Script().Replace(html, ""));
    }

    [GeneratedRegex("<script\\b[^>]*>[\\s\\S]*?</script>", RegexOptions.IgnoreCase)]
    private static partial Regex Script();
}
