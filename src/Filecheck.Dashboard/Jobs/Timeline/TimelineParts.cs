namespace Filecheck.Dashboard.Jobs.Timeline;

/// <summary>A window of time to zoom the timeline to; <see cref="To"/> must not be before <see cref="From"/>.</summary>
public readonly record struct TimelineRange(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Span => To - From;
}

/// <summary>One mark on the time axis; <see cref="Offset"/> and the label count from the job's start.</summary>
public sealed record TimelineTick(TimeSpan Offset, DateTimeOffset At, double OffsetPercent, string Label);

/// <summary>One step drawn as a bar. Percentages are relative to the axis (0-100) and already clipped to it.</summary>
public sealed record TimelineBar
{
    public required string TaskId { get; init; }
    public required string StepId { get; init; }
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public string? Reason { get; init; }
    public required DateTimeOffset Started { get; init; }
    /// <summary>Null while the step runs; the bar then ends at "now".</summary>
    public DateTimeOffset? Ended { get; init; }
    /// <summary>Where the bar is drawn to: <see cref="Ended"/>, or "now" for a running step.</summary>
    public required DateTimeOffset DrawnEnd { get; init; }
    /// <summary>The step's own duration (its reported milliseconds when present); zero stays zero whatever the width.</summary>
    public required TimeSpan Duration { get; init; }
    public bool IsRunning { get; init; }
    public double OffsetPercent { get; init; }
    public double WidthPercent { get; init; }
    /// <summary>The step began before the axis (zoomed): the bar's left edge is not the step's start.</summary>
    public bool ClippedAtStart { get; init; }
    /// <summary>The step ends after the axis (zoomed): the bar's right edge is not the step's end.</summary>
    public bool ClippedAtEnd { get; init; }
    public bool IsOnCriticalPath { get; init; }
    public required string Label { get; init; }
}

/// <summary>A gap in which a file waited: before its first step, or between two of its steps.</summary>
public sealed record TimelineWait
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required TimeSpan Duration { get; init; }
    public double OffsetPercent { get; init; }
    public double WidthPercent { get; init; }
    public required string Label { get; init; }
}

/// <summary>A step that cannot be placed on the axis; listed so it is never silently dropped.</summary>
public sealed record UntimedStep
{
    public required string StepId { get; init; }
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? Started { get; init; }
    public DateTimeOffset? Ended { get; init; }
    public required string Problem { get; init; }
}

/// <summary>One file (task) of the job. Totals cover every step, even those a zoom leaves out of <see cref="Bars"/>.</summary>
public sealed record TimelineRow
{
    public required string TaskId { get; init; }
    public required string FileName { get; init; }
    public string? Status { get; init; }
    public string? Outcome { get; init; }
    /// <summary>Bars in time order; when zoomed, only those that fall inside the range.</summary>
    public required IReadOnlyList<TimelineBar> Bars { get; init; }
    /// <summary>Waits in time order; when zoomed, only those that fall inside the range.</summary>
    public required IReadOnlyList<TimelineWait> Waits { get; init; }
    public required IReadOnlyList<UntimedStep> Untimed { get; init; }
    public TimeSpan StepTime { get; init; }
    public TimeSpan WaitTime { get; init; }
}

/// <summary>A link of the critical path.</summary>
public readonly record struct CriticalStep(string TaskId, string StepId);
