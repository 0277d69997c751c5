using Filecheck.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Figures;

/// <summary>Every measurement of the run, in the order they run (the priority of the figures).</summary>
public static class Measurements
{
    public static IEnumerable<IMeasurement> All(BenchContext context)
    {
        yield return new PageMeasurement();
        yield return new MemoryMeasurement(MiddleJob(context));
        yield return new LookupMeasurement();
        yield return new CapacityMeasurement(context.Quick ? [5, 10] : [10, 25, 50]);
        yield return new CoalescingMeasurement(context.Quick ? 20 : 100, TimeSpan.FromSeconds(30));
        yield return new TrendsMeasurement(context.TrendsJobs);
        yield return new SyncMeasurement(context.Quick ? 5_000 : 20_000);
        if (Environment.GetEnvironmentVariable("BENCH_HOLD")?.Split(',') is [var job, var pages, var seconds])
            yield return new HoldPages(job, int.Parse(pages, System.Globalization.CultureInfo.InvariantCulture), int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The finished generated job with the files nearest 50, for the memory figure between 1 and 200 files.</summary>
    private static (string Id, int Files)? MiddleJob(BenchContext context)
    {
        var client = context.Host.Services.GetRequiredService<IFilecheckClient>();
        var list = client.ListJobsAsync(limit: 100).GetAwaiter().GetResult();
        if (!list.IsSuccess) return null;
        return list.Value.Jobs
            .Select(j => context.Host.Sandbox.Jobs.Get(j.Id))
            .Where(j => j is { IsTerminal: true, Tasks: not null })
            .Select(j => (j!.Id, Files: j.Tasks!.Count))
            .OrderBy(j => Math.Abs(j.Files - 50))
            .FirstOrDefault() is { Id: not null } best ? best : null;
    }
}
