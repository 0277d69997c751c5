using System.Globalization;

namespace Filecheck.Dashboard.Shell;

/// <summary>Durations and times as a person reads them.</summary>
public static class Format
{
    public static string Duration(TimeSpan? span)
    {
        if (span is not { } d) return "—";
        if (d < TimeSpan.Zero) return "−" + Duration(d == TimeSpan.MinValue ? TimeSpan.MaxValue : d.Negate());
        if (d.TotalMilliseconds < 1000) return $"{d.TotalMilliseconds:0} ms";
        if (d.TotalSeconds < 10) return d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        if (d.TotalSeconds < 60) return $"{d.TotalSeconds:0} s";
        if (d.TotalMinutes < 60) return $"{(int)d.TotalMinutes}m {d.Seconds:00}s";
        if (d.TotalHours < 48) return $"{(int)d.TotalHours}h {d.Minutes:00}m";
        return $"{(int)d.TotalDays}d {d.Hours:00}h";
    }

    /// <summary>An answer's duration as it says it (a negative one too); one no span can hold reads "—".</summary>
    public static string DurationMs(double? milliseconds) =>
        milliseconds is { } ms && double.IsFinite(ms) && Math.Abs(ms) <= Api.Models.Step.MaxDurationMs ? Duration(TimeSpan.FromMilliseconds(ms)) : "—";

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
