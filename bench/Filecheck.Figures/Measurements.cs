namespace Filecheck.Figures;

/// <summary>Every measurement of the run, in the order they run (the priority of the figures).</summary>
public static class Measurements
{
    public static IEnumerable<IMeasurement> All(BenchContext context)
    {
        yield return new PageMeasurement();
        yield return new MemoryMeasurement(middleFiles: 50);
        yield return new LookupMeasurement();
        // Protocol circuits stepped up until a click misses, the time is up or the server heap would pass its budget
        // (BENCH_CAPACITY_STEPS=100,500,... other steps; BENCH_CAPACITY_EXPLORE=1 steps on past a missed click, for the curve).
        int[] steps = Environment.GetEnvironmentVariable("BENCH_CAPACITY_STEPS") is { } custom
            ? [.. custom.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))]
            : context.Quick ? [100, 500, 1000] : [500, 1000, 2000, 3000, 5000, 7500, 10000];
        yield return new CapacityMeasurement(steps, TimeSpan.FromMinutes(context.CapacityMinutes ?? (context.Quick ? 1.5 : 6)));
        // 50 viewers, not 100, and a 10,000-job sync by default: the whole run stays within 15 minutes on this machine.
        yield return new CoalescingMeasurement(context.Quick ? 20 : 50, TimeSpan.FromSeconds(30));
        yield return new TrendsMeasurement(context.TrendsJobs);
        yield return new SyncMeasurement(context.SyncJobs ?? (context.Quick ? 5_000 : 10_000));
        if (Environment.GetEnvironmentVariable("BENCH_HOLD")?.Split(',') is [var job, var pages, var seconds])
            yield return new HoldPages(job, int.Parse(pages, System.Globalization.CultureInfo.InvariantCulture), int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
    }
}
