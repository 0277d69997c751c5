using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// Viewers of one running job for a window: the polls the sandbox receives for that job, beside the polls for one
/// viewer of another running job over the same window (the floor: what one watcher costs). One instance; the hook for
/// three is <see cref="Instances"/> once several instances share one watcher (issue 21).
/// </summary>
public sealed class CoalescingMeasurement(int viewers, TimeSpan window) : IMeasurement
{
    public string Name => "coalescing";

    /// <summary>Instances measured; more than one needs the instances branch's shared lease (not in this build).</summary>
    public int Instances { get; init; } = 1;

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var sandbox = context.Host.Sandbox;
        var many = sandbox.Jobs.CreateRunningJob(files: 2, stepDuration: TimeSpan.FromMinutes(5));
        var one = sandbox.Jobs.CreateRunningJob(files: 2, stepDuration: TimeSpan.FromMinutes(5));
        var pages = new List<IPage>();
        for (var i = 0; i < viewers; i++) pages.Add((await PageMeasurement.OpenAsync(context, "/jobs/" + many, "[data-testid=live-row]", close: false)).Page);
        pages.Add((await PageMeasurement.OpenAsync(context, "/jobs/" + one, "[data-testid=live-row]", close: false)).Page);
        int polledMany = 0, polledOne = 0;
        using (sandbox.Requests.Watch(target =>
               {
                   if (target.StartsWith("/jobs/" + many, StringComparison.Ordinal)) Interlocked.Increment(ref polledMany);
                   else if (target.StartsWith("/jobs/" + one, StringComparison.Ordinal)) Interlocked.Increment(ref polledOne);
               }))
        {
            await Task.Delay(window);
        }
        foreach (var page in pages) await page.CloseAsync(new() { RunBeforeUnload = true });
        return
        [
            new Figure("coalescing", $"upstream polls in {window.TotalSeconds:0} s, {viewers} viewers of one running job, {Instances} instance", polledMany, "polls")
            {
                Floor = Math.Max(1, polledOne), FloorName = "polls for 1 viewer", Target = 1.0, TargetIsRatio = true,
                Note = $"{polledOne} polls for the single viewer; the watcher backs off from 1 s to 10 s while the job is unchanged",
            },
        ];
    }
}
