using System.Globalization;

namespace Filecheck.Dashboard.Jobs.Timeline;

/// <summary>Ticks at "nice" intervals and their labels, counted from an origin (the job's start).</summary>
internal static class TimeAxis
{
    public const int MinTicks = 4;
    public const int MaxTicks = 10;

    // Each step is at most 2.5x the one before: with the first interval that yields at most 10 ticks, the one before
    // yielded more than 10, so this one yields at least 4 (for any axis of 10 ms or more).
    private static readonly long[] NiceMilliseconds =
    [
        1, 2, 5, 10, 20, 50, 100, 200, 500,
        1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
        60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000,
        3_600_000, 2 * 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000,
        86_400_000L, 2 * 86_400_000L, 5 * 86_400_000L, 10 * 86_400_000L, 20 * 86_400_000L, 50 * 86_400_000L,
    ];

    public static IReadOnlyList<TimelineTick> Ticks(DateTimeOffset origin, DateTimeOffset start, DateTimeOffset end)
    {
        var span = end - start;
        if (span <= TimeSpan.Zero) return [];

        var interval = TimeSpan.Zero;
        long first = 0, last = 0;
        foreach (var ms in NiceCandidates())
        {
            interval = TimeSpan.FromMilliseconds(ms);
            first = (long)Math.Ceiling((start - origin).Ticks / (double)interval.Ticks);
            last = (long)Math.Floor((end - origin).Ticks / (double)interval.Ticks);
            if (last - first + 1 <= MaxTicks) break;
        }

        var ticks = new List<TimelineTick>((int)Math.Max(0, last - first + 1));
        for (var k = first; k <= last; k++)
        {
            var offset = TimeSpan.FromTicks(interval.Ticks * k);
            var at = origin + offset;
            ticks.Add(new TimelineTick(offset, at, Percent(at - start, span), Label(offset, span)));
        }
        return ticks;
    }

    private static IEnumerable<long> NiceCandidates()
    {
        foreach (var ms in NiceMilliseconds) yield return ms;
        for (var ms = NiceMilliseconds[^1] * 2; ; ms *= 2) yield return ms;
    }

    public static double Percent(TimeSpan part, TimeSpan whole) => part.Ticks * 100.0 / whole.Ticks;

    /// <summary>"0 s", "500 ms", "1.5 s", "30 s", "1m 30s", "2 min", "1h 30m", "1 h", "2 d"; zero takes the axis's unit.</summary>
    public static string Label(TimeSpan offset, TimeSpan axisSpan)
    {
        if (offset == TimeSpan.Zero)
        {
            return axisSpan >= TimeSpan.FromHours(1) ? "0 h"
                : axisSpan >= TimeSpan.FromMinutes(1) ? "0 min"
                : axisSpan >= TimeSpan.FromSeconds(1) ? "0 s"
                : "0 ms";
        }
        if (offset < TimeSpan.Zero) return "−" + Label(offset.Negate(), axisSpan);

        var inv = CultureInfo.InvariantCulture;
        if (offset < TimeSpan.FromSeconds(1)) return offset.TotalMilliseconds.ToString("0", inv) + " ms";
        if (offset < TimeSpan.FromMinutes(1)) return offset.TotalSeconds.ToString("0.###", inv) + " s";
        if (offset < TimeSpan.FromHours(1))
        {
            var minutes = (int)offset.TotalMinutes;
            return offset.Seconds == 0 ? $"{minutes} min" : $"{minutes}m {offset.Seconds:00}s";
        }
        if (offset < TimeSpan.FromDays(1))
        {
            var hours = (int)offset.TotalHours;
            return offset.Minutes == 0 ? $"{hours} h" : $"{hours}h {offset.Minutes:00}m";
        }
        var days = (int)offset.TotalDays;
        return offset.Hours == 0 ? $"{days} d" : $"{days}d {offset.Hours:00}h";
    }
}
