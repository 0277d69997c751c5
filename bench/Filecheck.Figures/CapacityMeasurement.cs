using System.Diagnostics;
using Filecheck.Sandbox;
using Filecheck.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// How many open job pages one instance holds while a click still answers within 200 ms p95: pages are opened in
/// steps, and at each step one page selects a file and closes it again, timed until the panel is drawn. Chromium
/// pages only (no protocol-level Blazor client yet), so the count is bounded by what Chromium fits beside the app on
/// this machine; the floor is the same click with no other page open.
/// </summary>
public sealed class CapacityMeasurement(int[] steps) : IMeasurement
{
    public string Name => "capacity";
    private const double AnswerWithinMs = 200;

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var (probe, _) = await PageMeasurement.OpenAsync(context, "/jobs/" + WellKnownJobs.Warning, "[data-testid=answer-headline]", close: false);
        await probe.WaitForCircuitAsync();
        var floor = await ClicksP95Async(probe);
        var held = new List<IPage>();
        // Held: the largest count whose click answered in time (1 when only the probe did, 0 when not even it did).
        var best = floor <= AnswerWithinMs ? 1 : 0;
        var lastCount = 1;
        double last = floor;
        foreach (var step in steps)
        {
            while (held.Count + 1 < step)
                held.Add((await PageMeasurement.OpenAsync(context, "/jobs/" + WellKnownJobs.Passing, "[data-testid=answer-headline]", close: false)).Page);
            last = await ClicksP95Async(probe);
            lastCount = held.Count + 1;
            Console.WriteLine($"  capacity: {step} pages open, click p95 {last:0} ms");
            if (last > AnswerWithinMs) break;
            best = step;
        }
        foreach (var page in held) await page.CloseAsync(new() { RunBeforeUnload = true });
        await probe.CloseAsync(new() { RunBeforeUnload = true });
        return
        [
            new Figure("capacity", "open job pages held with a click answered within 200 ms p95", best, "pages")
            {
                Target = 5000, Goal = Goal.AtLeast,
                Note = $"Chromium pages only, stepped {string.Join(", ", steps)} (bounded by Chromium on this machine, not by the app); click p95 {last:0} ms at {lastCount} pages, {floor:0} ms with the probe alone",
            },
            new Figure("capacity", $"click p95 at {lastCount} open pages (the last step)", last, "ms") { Floor = floor, FloorName = "the same click, 1 page open", Target = AnswerWithinMs },
        ];
    }

    /// <summary>Selects the first file and closes it again, 10 times; the p95 of the time until each answer is drawn.</summary>
    private static async Task<double> ClicksP95Async(IPage page)
    {
        var times = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            await page.ClickAsync("[data-testid=timeline-row] >> nth=0 >> button.gantt-label");
            await page.WaitForSelectorAsync("[data-testid=selection-panel]");
            times.Add(clock.Elapsed.TotalMilliseconds);
            await page.Keyboard.PressAsync("Escape");
            await page.WaitForSelectorAsync("[data-testid=selection-panel]", new() { State = WaitForSelectorState.Detached });
        }
        return Stats.Percentile(times, 95);
    }
}
