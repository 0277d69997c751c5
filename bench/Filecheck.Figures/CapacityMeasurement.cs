using System.Diagnostics;
using Filecheck.EndToEnd.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// How many open job pages one instance holds while a click still answers within 200 ms p95. The open pages are
/// protocol-level Blazor circuits (<see cref="ProtocolCircuit"/>, in a process of their own), first checked against
/// Chromium tabs of the same page at a small count (server heap per circuit, circuits counted by the server); then
/// stepped up, bounded in time and in server heap, while a few Chromium pages click (select a file, timed in the page
/// until its panel is drawn). The floor is the same click with no protocol circuit open.
/// </summary>
public sealed class CapacityMeasurement(int[] steps, TimeSpan budget) : IMeasurement
{
    public string Name => "capacity";
    private const double AnswerWithinMs = 200;
    private const int ClickingPages = 3;
    /// <summary>The server heap the stepping stops before: the machine is shared (24 GB for five engineers).</summary>
    private const long HeapBudgetBytes = 8L << 30;
    private const string Drawn = "[data-testid=answer-headline]";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var clock = Stopwatch.StartNew();
        var clickers = new List<IPage>();
        for (var i = 0; i < ClickingPages; i++)
        {
            var (page, _) = await PageMeasurement.OpenAsync(context, "/jobs/" + WellKnownJobs.Warning, Drawn, close: false);
            await page.WaitForCircuitAsync();
            clickers.Add(page);
        }
        var floor = await ClicksP95Async(clickers);
        Console.WriteLine($"  capacity: click p95 {floor:0} ms with {ClickingPages} Chromium pages alone");

        var cookie = string.Join("; ", (await context.Staff.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        var jobPage = new Uri(context.Url("/jobs/" + WellKnownJobs.Passing));
        await using var clients = CircuitClientsProcess.Start(jobPage, "answer-headline", cookie);

        // The client checked against Chromium: the same page, the same count, the server's heap and circuit count.
        var small = 20;
        await PageMeasurement.OpenAsync(context, jobPage.PathAndQuery, Drawn, close: true); // cached and its names paid once
        await context.WaitForCircuitsAsync(ClickingPages, TimeSpan.FromSeconds(30));
        var baseline = context.Circuits.Open;
        var beforeTabs = BenchContext.Memory();
        var tabs = new List<IPage>();
        for (var i = 0; i < small; i++) tabs.Add((await PageMeasurement.OpenAsync(context, jobPage.PathAndQuery, Drawn, close: false)).Page);
        var chromiumCircuits = context.Circuits.Open - baseline;
        var withTabs = BenchContext.Memory();
        foreach (var tab in tabs) await tab.CloseAsync(new() { RunBeforeUnload = true });
        await context.WaitForCircuitsAsync(baseline, TimeSpan.FromSeconds(60));
        var before = BenchContext.Memory();
        var (validated, _, _, validationError) = await clients.OpenAsync(small, TimeSpan.FromSeconds(120));
        var protocolCircuits = await ServerCircuitsAsync(context, baseline, validated);
        var withProtocol = BenchContext.Memory();
        var calls = string.Join(' ', (await clients.AskAsync("calls", TimeSpan.FromSeconds(30)))[1..]);
        var chromiumKb = (withTabs.Heap - beforeTabs.Heap) / 1024.0 / Math.Max(1, chromiumCircuits);
        var protocolKb = (withProtocol.Heap - before.Heap) / 1024.0 / Math.Max(1, protocolCircuits);
        Console.WriteLine($"  capacity: {chromiumCircuits} Chromium circuits {chromiumKb:0} KB each; {protocolCircuits} protocol circuits {protocolKb:0} KB each ({validationError}); JS calls answered: {calls}");

        // Stepped up: the largest count whose clicks answered in time is held.
        var held = floor <= AnswerWithinMs ? 0 : -1;
        var results = new List<(int Count, int Server, double P95, double HeapKb, double WorkingSetKb)>();
        var stoppedBy = "the last step";
        foreach (var step in steps.Where(s => s > small))
        {
            var left = budget - clock.Elapsed;
            if (left <= TimeSpan.Zero) { stoppedBy = $"the time budget ({budget.TotalMinutes:0.#} min) before {step:#,0}"; break; }
            var (open, failed, seconds, error) = await clients.OpenAsync(step, left);
            // Held: circuits both connected at the client and counted by the server (a dropped connection's circuit is
            // kept a while for a reconnect, and still counted).
            var server = Math.Min(open, await ServerCircuitsAsync(context, baseline, open));
            var p95 = await ClicksP95Async(clickers);
            var memory = BenchContext.MemoryOnce();
            var heapKb = (memory.Heap - before.Heap) / 1024.0 / Math.Max(1, server);
            var workingSetKb = (memory.WorkingSet - before.WorkingSet) / 1024.0 / Math.Max(1, server);
            results.Add((step, server, p95, heapKb, workingSetKb));
            Console.WriteLine($"  capacity: {open:#,0} protocol circuits open ({server:#,0} counted by the server, {failed} failed, opened in {seconds:0} s), click p95 {p95:0} ms, server heap {heapKb:0} KB and working set {workingSetKb:0} KB a circuit{(error is null ? "" : "; " + error)}");
            if (p95 > AnswerWithinMs && Environment.GetEnvironmentVariable("BENCH_CAPACITY_EXPLORE") is null) { stoppedBy = $"the click's p95 ({p95:0} ms) at {server:#,0}"; break; }
            if (open < step)
            {
                stoppedBy = clock.Elapsed >= budget
                    ? $"the time budget ({budget.TotalMinutes:0.#} min) while opening {step:#,0}"
                    : $"{step - open:#,0} circuits not open at {step:#,0} ({failed} failed to open, the rest closed): {error}";
                if (p95 <= AnswerWithinMs) held = Math.Max(held, server);
                break;
            }
            if (p95 <= AnswerWithinMs) held = Math.Max(held, server);
            var next = steps.FirstOrDefault(s => s > step);
            if (next > 0 && memory.Heap + (long)(heapKb * 1024 * (next - server)) > HeapBudgetBytes)
            {
                stoppedBy = $"the server heap budget ({HeapBudgetBytes >> 30} GB) before {next:#,0}";
                break;
            }
        }

        foreach (var page in clickers) await page.CloseAsync(new() { RunBeforeUnload = true });
        var last = results.Count > 0 ? results[^1] : (Count: small, Server: protocolCircuits, P95: floor, HeapKb: protocolKb, WorkingSetKb: 0);
        var curve = string.Join(", ", results.Select(r => $"{r.Server:#,0}: {r.P95:0} ms"));
        return
        [
            new Figure("capacity", "open job pages held with a click answered within 200 ms p95", Math.Max(0, held), "pages")
            {
                Target = 5000, Goal = Goal.AtLeast,
                Note = $"protocol-level Blazor circuits beside {ClickingPages} Chromium pages that click; stopped by {stoppedBy}; click p95 by circuits open: {curve}; {floor:0} ms with no circuit open",
            },
            new Figure("capacity", $"click p95 at {last.Server:#,0} open pages (the last step)", last.P95, "ms")
            {
                Floor = floor, FloorName = "the same click, no protocol circuit open", Target = AnswerWithinMs,
                Note = "from the click to its panel drawn, timed in the page",
            },
            new Figure("capacity", $"server heap per open page at {last.Server:#,0} pages", last.HeapKb, "KB")
            {
                Note = $"working set {last.WorkingSetKb:0} KB a page",
            },
            new Figure("capacity", $"server heap per protocol circuit, {protocolCircuits} circuits (the client's check)", protocolKb, "KB")
            {
                Floor = chromiumKb, FloorName = $"a Chromium tab of the same page ({chromiumCircuits} tabs)",
                Note = $"every circuit counted by the server; JS calls the client answered: {calls}",
            },
        ];
    }

    /// <summary>The circuits the server counts above <paramref name="baseline"/>, once it counts the <paramref name="expected"/> (or 30 s passed).</summary>
    private static async Task<int> ServerCircuitsAsync(BenchContext context, int baseline, int expected)
    {
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (context.Circuits.Open - baseline < expected && DateTime.UtcNow < end) await Task.Delay(100);
        return context.Circuits.Open - baseline;
    }

    /// <summary>
    /// Selects the first file and closes it again, 7 times on each clicking page; the p95 of the time from the click
    /// to the panel drawn, timed in the page (Playwright's own round trips left out).
    /// </summary>
    private static async Task<double> ClicksP95Async(IReadOnlyList<IPage> pages)
    {
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            foreach (var page in pages)
            {
                times.Add(await page.EvaluateAsync<double>(ClickUntilPanel));
                await page.Keyboard.PressAsync("Escape");
                await page.WaitForSelectorAsync("[data-testid=selection-panel]", new() { State = WaitForSelectorState.Detached });
            }
        }
        return Stats.Percentile(times, 95);
    }

    private const string ClickUntilPanel = """
        () => new Promise(resolve => {
          const panel = () => document.querySelector('[data-testid=selection-panel]');
          const started = performance.now();
          const watch = new MutationObserver(() => { if (panel()) { watch.disconnect(); resolve(performance.now() - started); } });
          watch.observe(document.body, { childList: true, subtree: true });
          document.querySelector('[data-testid=timeline-row] button.gantt-label').click();
        })
        """;
}
