namespace Filecheck.Dashboard.Jobs;

/// <summary>Adding up times an answer gives: a sum stops at the largest span instead of overflowing (an answer can say anything).</summary>
public static class Spans
{
    public static TimeSpan Add(TimeSpan a, TimeSpan b)
    {
        if (b > TimeSpan.Zero && a > TimeSpan.MaxValue - b) return TimeSpan.MaxValue;
        if (b < TimeSpan.Zero && a < TimeSpan.MinValue - b) return TimeSpan.MinValue;
        return a + b;
    }

    /// <summary>Halfway between two spans, without adding them first.</summary>
    public static TimeSpan Midpoint(TimeSpan a, TimeSpan b) => a + (b - a) / 2;

    /// <summary><paramref name="at"/> moved by <paramref name="by"/>, stopping at the calendar's ends.</summary>
    public static DateTimeOffset Move(DateTimeOffset at, TimeSpan by) =>
        by > TimeSpan.Zero && at > DateTimeOffset.MaxValue - by ? DateTimeOffset.MaxValue
        : by < TimeSpan.Zero && at < DateTimeOffset.MinValue - by ? DateTimeOffset.MinValue
        : at + by;
}
