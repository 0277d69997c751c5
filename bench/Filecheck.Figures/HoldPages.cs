using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// Not a figure: opens pages of one job and keeps them open for a while, so a memory dump of this process can be
/// taken (<c>dotnet-gcdump collect -p PID</c>). Runs only with <c>--only hold</c> and BENCH_HOLD=JOB_ID,PAGES,SECONDS.
/// </summary>
public sealed class HoldPages(string job, int pages, int seconds) : IMeasurement
{
    public string Name => "hold";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var open = new List<IPage>();
        for (var i = 0; i < pages; i++)
            open.Add((await PageMeasurement.OpenAsync(context, "/jobs/" + job, "[data-testid=answer-headline]", close: false)).Page);
        BenchContext.Memory();
        Console.WriteLine($"holding {pages} pages of {job} for {seconds} s: dotnet-gcdump collect -p {Environment.ProcessId}");
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        foreach (var page in open) await page.CloseAsync(new() { RunBeforeUnload = true });
        return [];
    }
}
