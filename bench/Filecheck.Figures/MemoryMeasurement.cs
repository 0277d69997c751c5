using Filecheck.Sandbox;
using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// The server's memory per open job page: 50 tabs of one cached job opened, drawn and kept open; the managed heap
/// (after forced, compacting collections) and the working set before and after, divided by 50; then the tabs closed
/// and what came back.
/// </summary>
public sealed class MemoryMeasurement(int middleFiles) : IMeasurement
{
    public string Name => "memory";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var figures = new List<Figure>();
        var pages = context.Quick ? 20 : 50;
        var jobs = new List<(string Id, int Files, double? Target)> { (WellKnownJobs.Passing, 1, 300) };
        jobs.Add((await FinishedJobAsync(context, middleFiles), middleFiles, null));
        jobs.Add((WellKnownJobs.Large, 200, 1024));
        foreach (var (id, files, target) in jobs)
        {
            // Once first, so the lookups are cached and the one-time costs (names, the job in the store) are paid.
            await PageMeasurement.OpenAsync(context, "/jobs/" + id, "[data-testid=answer-headline]", close: true);
            var baseline = context.Circuits.Open - 1;
            await context.WaitForCircuitsAsync(baseline, TimeSpan.FromSeconds(30));
            baseline = context.Circuits.Open;
            var before = BenchContext.Memory();
            var open = new List<IPage>();
            for (var i = 0; i < pages; i++)
                open.Add((await PageMeasurement.OpenAsync(context, "/jobs/" + id, "[data-testid=answer-headline]", close: false)).Page);
            var circuits = context.Circuits.Open;
            var during = BenchContext.Memory();
            foreach (var page in open) await page.CloseAsync(new() { RunBeforeUnload = true });
            var closed = await context.WaitForCircuitsAsync(baseline, TimeSpan.FromSeconds(60));
            var after = BenchContext.Memory();
            var label = $"{files} file{(files == 1 ? "" : "s")}";
            var heapPerPage = (during.Heap - before.Heap) / 1024.0 / pages;
            figures.Add(new Figure("memory", $"managed heap per open page, {label}", heapPerPage, "KB")
            {
                Target = target, Note = $"{pages} pages, {circuits - baseline} circuits open",
            });
            figures.Add(new Figure("memory", $"working set per open page, {label}", (during.WorkingSet - before.WorkingSet) / 1024.0 / pages, "KB"));
            figures.Add(new Figure("memory", $"heap left after the pages closed, {label}", (after.Heap - before.Heap) / 1024.0, "KB")
            {
                Floor = (during.Heap - before.Heap) / 1024.0, FloorName = "the heap the open pages held", Target = 0.1, TargetIsRatio = true,
                Note = closed ? "every circuit closed" : $"{context.Circuits.Open - baseline} circuits still open after 60 s",
            });
        }
        return figures;
    }

    /// <summary>
    /// A finished job of <paramref name="files"/> files created in the sandbox (the generated history has none near 50):
    /// its steps take a millisecond each, so it ends at once; waited for by its status, not by time.
    /// </summary>
    private static async Task<string> FinishedJobAsync(BenchContext context, int files)
    {
        var jobs = context.Host.Sandbox.Jobs;
        var id = jobs.CreateRunningJob(files, TimeSpan.FromMilliseconds(1));
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (jobs.Get(id) is not { IsTerminal: true })
        {
            if (DateTime.UtcNow > end) throw new InvalidOperationException($"the created {files}-file job {id} did not finish within 30 s");
            await Task.Delay(50);
        }
        return id;
    }
}
