namespace Filecheck.Dashboard.Jobs.Timeline;

/// <summary>A zoomed range in seconds from the job's start, as the page's <c>from</c>/<c>to</c> query keep it.</summary>
public readonly record struct ZoomSeconds(double From, double To);

/// <summary>
/// Zooming by dragging across the axis and by keys (<c>+</c>, <c>-</c>, arrows): pure arithmetic over the axis shown now
/// and the whole job's, so it is tested without a browser. Null means "the whole job" (no zoom in the address).
/// </summary>
public static class TimelineZoom
{
    /// <summary>A drag narrower than this share of the axis is a click, not a zoom.</summary>
    public const double MinimumDragFraction = 0.01;

    public static ZoomSeconds? FromDrag(JobTimeline shown, double fractionA, double fractionB)
    {
        var a = Math.Clamp(Math.Min(fractionA, fractionB), 0, 1);
        var b = Math.Clamp(Math.Max(fractionA, fractionB), 0, 1);
        if (double.IsNaN(a) || double.IsNaN(b) || b - a < MinimumDragFraction) return null;
        var offset = (shown.Start - shown.JobStart).TotalSeconds;
        var span = shown.Span.TotalSeconds;
        return new ZoomSeconds(Round(offset + a * span), Round(offset + b * span));
    }

    /// <summary>The range after a key: <c>+</c>/<c>=</c> halves it around its centre, <c>-</c> doubles it, arrows move it by a quarter.</summary>
    public static ZoomSeconds? ForKey(JobTimeline shown, JobTimeline whole, string key)
    {
        var from = (shown.Start - whole.JobStart).TotalSeconds;
        var span = shown.Span.TotalSeconds;
        var total = (whole.End - whole.JobStart).TotalSeconds;
        var lowest = (whole.Start - whole.JobStart).TotalSeconds;
        switch (key)
        {
            case "+" or "=":
                var centre = from + span / 2;
                return Clamp(centre - span / 4, centre + span / 4, lowest, total);
            case "-":
                var c = from + span / 2;
                if (span * 2 >= total - lowest) return null;
                return Clamp(c - span, c + span, lowest, total);
            case "ArrowLeft":
                return shown.Zoom is null ? null : Clamp(from - span / 4, from - span / 4 + span, lowest, total);
            case "ArrowRight":
                return shown.Zoom is null ? null : Clamp(from + span / 4, from + span / 4 + span, lowest, total);
            default:
                return shown.Zoom is null ? null : new ZoomSeconds(Round(from), Round(from + span));
        }
    }

    /// <summary>Keeps the range's width and moves it inside the job.</summary>
    private static ZoomSeconds? Clamp(double from, double to, double lowest, double total)
    {
        var width = to - from;
        if (width >= total - lowest) return null;
        if (from < lowest) (from, to) = (lowest, lowest + width);
        if (to > total) (from, to) = (total - width, total);
        return new ZoomSeconds(Round(from), Round(to));
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);
}
