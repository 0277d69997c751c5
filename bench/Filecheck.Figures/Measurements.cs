namespace Filecheck.Figures;

/// <summary>Every measurement of the run, in the order they run (the priority of the figures).</summary>
public static class Measurements
{
    public static IEnumerable<IMeasurement> All(BenchContext context)
    {
        yield return new PageMeasurement();
        yield return new MemoryMeasurement(middleFiles: 50);
        yield return new LookupMeasurement();
        yield return new CapacityMeasurement(context.Quick ? [5, 10] : [10, 25, 50]);
        // 50 viewers, not 100, and a 10,000-job sync by default: the whole run stays within 15 minutes on this machine.
        yield return new CoalescingMeasurement(context.Quick ? 20 : 50, TimeSpan.FromSeconds(30));
        yield return new TrendsMeasurement(context.TrendsJobs);
        yield return new SyncMeasurement(context.SyncJobs ?? (context.Quick ? 5_000 : 10_000));
        if (Environment.GetEnvironmentVariable("BENCH_HOLD")?.Split(',') is [var job, var pages, var seconds])
            yield return new HoldPages(job, int.Parse(pages, System.Globalization.CultureInfo.InvariantCulture), int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
    }
}
