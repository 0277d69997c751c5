using Filecheck.Api.Models;

using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Timeline;

/// <summary>
/// The geometry of a job's waterfall: the axis, one row of bars and waits per file, totals and the critical path.
/// Pure: no rendering, no I/O, "now" comes in, so every figure is testable; components only draw it.
/// </summary>
public sealed class JobTimeline
{
    /// <summary>A zero-length step still gets this much width so it can be seen and hovered.</summary>
    public const double MinBarWidthPercent = 0.4;

    /// <summary>An axis is never shorter than this, so a job of one instant still has a scale to draw on.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromMilliseconds(10);

    /// <summary>The axis's left edge: the job's start, or the zoom's start.</summary>
    public DateTimeOffset Start { get; }
    /// <summary>The axis's right edge: the job's end (at least "now" while live), or the zoom's end.</summary>
    public DateTimeOffset End { get; }
    public TimeSpan Span => End - Start;
    /// <summary>Time zero of the tick labels: the job's creation, or its earliest step start if that is earlier.</summary>
    public DateTimeOffset JobStart { get; }
    /// <summary>The latest end of any step ("now" for a running one), and at least "now" while the job is live.</summary>
    public DateTimeOffset JobEnd { get; }
    /// <summary>The range zoomed to, or null when the axis spans the whole job.</summary>
    public TimelineRange? Zoom { get; }
    public IReadOnlyList<TimelineTick> Ticks { get; }
    public IReadOnlyList<TimelineRow> Rows { get; }
    /// <summary>The steps that set the job's end, in time order.</summary>
    public IReadOnlyList<CriticalStep> CriticalPath { get; }
    public bool IsLive { get; }
    /// <summary>End minus start for a finished job; now minus start while it runs.</summary>
    public TimeSpan WallTime { get; }
    /// <summary>Sum of every file's step durations (files run side by side, so this can exceed the wall time).</summary>
    public TimeSpan StepTime { get; }
    /// <summary>Sum of every file's waits.</summary>
    public TimeSpan WaitTime { get; }
    public int UntimedCount { get; }

    private JobTimeline(
        DateTimeOffset start, DateTimeOffset end, DateTimeOffset jobStart, DateTimeOffset jobEnd, TimelineRange? zoom,
        IReadOnlyList<TimelineTick> ticks, IReadOnlyList<TimelineRow> rows, IReadOnlyList<CriticalStep> criticalPath,
        bool isLive, TimeSpan wallTime, TimeSpan stepTime, TimeSpan waitTime, int untimedCount)
    {
        Start = start;
        End = end;
        JobStart = jobStart;
        JobEnd = jobEnd;
        Zoom = zoom;
        Ticks = ticks;
        Rows = rows;
        CriticalPath = criticalPath;
        IsLive = isLive;
        WallTime = wallTime;
        StepTime = stepTime;
        WaitTime = waitTime;
        UntimedCount = untimedCount;
    }

    /// <summary>Zooms to one file: the axis spans that file's steps. An unknown file or one with no timed step gives the whole job.</summary>
    public static JobTimeline Build(Job job, DateTimeOffset now, string zoomToTaskId)
    {
        ArgumentNullException.ThrowIfNull(zoomToTaskId);
        return Build(job, now, RangeOfTask(job, now, zoomToTaskId));
    }

    /// <summary>The range a file's steps cover (a running step up to "now"), or null if the file has no timed step.</summary>
    public static TimelineRange? RangeOfTask(Job job, DateTimeOffset now, string taskId)
    {
        ArgumentNullException.ThrowIfNull(job);
        var task = job.Tasks?.FirstOrDefault(t => t?.Id == taskId);
        if (task is null) return null;
        DateTimeOffset? from = null, to = null;
        foreach (var step in task.Steps ?? [])
        {
            if (step is null || Classify(step, now) is not { } timed) continue;
            if (from is null || timed.Start < from) from = timed.Start;
            if (to is null || timed.End > to) to = timed.End;
        }
        return from is { } f && to is { } t ? new TimelineRange(f, t) : null;
    }

    public static JobTimeline Build(Job job, DateTimeOffset now, TimelineRange? zoom = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (zoom is { } z && z.To < z.From)
            throw new ArgumentException($"The zoom range ends ({z.To:O}) before it starts ({z.From:O}).", nameof(zoom));

        var isLive = !job.IsTerminal;
        var tasks = job.Tasks ?? [];

        // Pass 1: sort each file's steps into timed (drawable) and untimed; find the job's extent.
        var files = new List<FileSteps>(tasks.Count);
        DateTimeOffset? earliest = null, latest = null;
        foreach (var task in tasks)
        {
            if (task is null) continue;
            var steps = task.Steps ?? [];
            var timed = new List<Timed>(steps.Count);
            var untimed = new List<UntimedStep>();
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                if (step is null) continue;
                if (Classify(step, now) is { } t)
                {
                    timed.Add(t with { Index = i });
                    if (earliest is null || t.Start < earliest) earliest = t.Start;
                    if (latest is null || t.End > latest) latest = t.End;
                }
                else
                {
                    untimed.Add(Untimed(step));
                }
            }
            timed.Sort(static (a, b) =>
            {
                var c = a.Start.CompareTo(b.Start);
                if (c == 0) c = a.End.CompareTo(b.End);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            files.Add(new FileSteps(task, timed, untimed));
        }

        var jobStart = job.CreatedAt is { } created && (earliest is null || created <= earliest) ? created
            : earliest ?? job.CreatedAt ?? now;
        var jobEnd = latest ?? jobStart;
        if (isLive && now > jobEnd) jobEnd = now;
        if (jobEnd < jobStart) jobEnd = jobStart;

        var wallTime = isLive ? Max(now - jobStart, TimeSpan.Zero) : jobEnd - jobStart;
        var critical = CriticalChain(files);

        // The axis: the zoom or the whole job, never narrower than the minimum so percentages stay finite.
        var axisStart = zoom?.From ?? jobStart;
        var axisEnd = zoom?.To ?? jobEnd;
        if (axisEnd - axisStart < MinimumSpan)
        {
            // At the calendar's last instant the minimum is taken before the start instead.
            axisEnd = Spans.Move(axisStart, MinimumSpan);
            axisStart = axisEnd - MinimumSpan;
        }
        var span = axisEnd - axisStart;

        // Pass 2: waits, totals and geometry per file.
        var rows = new List<TimelineRow>(files.Count);
        TimeSpan stepTime = TimeSpan.Zero, waitTime = TimeSpan.Zero;
        var untimedCount = 0;
        foreach (var file in files)
        {
            var taskId = file.Task.Id;
            var bars = new List<TimelineBar>(file.Timed.Count);
            var waits = new List<TimelineWait>();
            TimeSpan rowSteps = TimeSpan.Zero, rowWaits = TimeSpan.Zero;

            // A wait is time in which none of the file's steps ran: the frontier is the latest end so far,
            // so a step nested inside a longer one never opens a gap.
            var frontier = jobStart;
            foreach (var t in file.Timed)
            {
                if (t.Start > frontier)
                {
                    rowWaits = Spans.Add(rowWaits, t.Start - frontier);
                    if (Visible(frontier, t.Start, axisStart, axisEnd))
                        waits.Add(Wait(frontier, t.Start, axisStart, axisEnd, span));
                }
                if (t.End > frontier) frontier = t.End;

                rowSteps = Spans.Add(rowSteps, t.Duration);
                if (Visible(t.Start, t.End, axisStart, axisEnd))
                    bars.Add(Bar(taskId, t, critical.Contains((file, t.Index)), axisStart, axisEnd, span));
            }

            stepTime = Spans.Add(stepTime, rowSteps);
            waitTime = Spans.Add(waitTime, rowWaits);
            untimedCount += file.Untimed.Count;
            rows.Add(new TimelineRow
            {
                TaskId = taskId,
                FileName = file.Task.DisplayName,
                Status = file.Task.Status,
                Outcome = file.Task.Outcome,
                Bars = bars,
                Waits = waits,
                Untimed = file.Untimed,
                StepTime = rowSteps,
                WaitTime = rowWaits,
            });
        }

        var path = critical.Chain.Select(c => new CriticalStep(c.File.Task.Id, c.Step.Step.Id)).ToList();
        return new JobTimeline(
            axisStart, axisEnd, jobStart, jobEnd, zoom, TimeAxis.Ticks(jobStart, axisStart, axisEnd), rows, path,
            isLive, wallTime, stepTime, waitTime, untimedCount);
    }

    /// <summary>A step with usable times, or null: it starts, and it ends (or runs, ending "now") no earlier.</summary>
    private static Timed? Classify(Step step, DateTimeOffset now)
    {
        if (step.Started is not { } started) return null;
        if (step.Ended is { } ended)
        {
            if (ended < started) return null;
            // The answer's own figure when it is usable; a negative, endless or absurd one gives way to the times.
            var duration = step.DurationSpan ?? ended - started;
            return new Timed(step, started, ended, duration, IsRunning: false, Index: 0);
        }
        if (!JobStatus.IsActive(step.Status)) return null;
        // A clock ahead of ours can make a running step start after "now": it has then run for zero so far.
        var end = now > started ? now : started;
        return new Timed(step, started, end, end - started, IsRunning: true, Index: 0);
    }

    private static UntimedStep Untimed(Step step) => new()
    {
        StepId = step.Id,
        Type = step.Type,
        Status = step.Status,
        Outcome = step.Outcome,
        Reason = step.Reason,
        Started = step.Started,
        Ended = step.Ended,
        Problem = step.Started is null
            ? step.Status == JobStatus.Pending ? "not started yet" : "no start time"
            : step.Ended is { } e && e < step.Started ? "ended before it started"
            : "no end time",
    };

    /// <summary>
    /// From the step with the latest end, walk back within its file: each predecessor is the step that ended last at or
    /// before this one started. Only earlier steps (in start order) qualify, so zero-length steps cannot form a loop.
    /// </summary>
    private static CriticalSet CriticalChain(List<FileSteps> files)
    {
        FileSteps? lastFile = null;
        var lastIdx = -1;
        foreach (var file in files)
        {
            for (var i = 0; i < file.Timed.Count; i++)
            {
                var t = file.Timed[i];
                if (lastFile is null) { lastFile = file; lastIdx = i; continue; }
                var best = lastFile.Timed[lastIdx];
                // On a tie the later-starting step wins (then the later one), so the chain ends at the step that closed the job.
                if (t.End > best.End || (t.End == best.End && t.Start >= best.Start)) { lastFile = file; lastIdx = i; }
            }
        }
        if (lastFile is null) return new CriticalSet([], new HashSet<(FileSteps, int)>());

        var timed = lastFile.Timed;
        // Positions in start order, sorted by end, for a binary search of "ended at or before".
        var byEnd = Enumerable.Range(0, timed.Count).ToArray();
        Array.Sort(byEnd, (a, b) => { var c = timed[a].End.CompareTo(timed[b].End); return c != 0 ? c : a.CompareTo(b); });

        var chain = new List<(FileSteps File, Timed Step)>();
        var current = lastIdx;
        while (current >= 0)
        {
            chain.Add((lastFile, timed[current]));
            var start = timed[current].Start;
            int lo = 0, hi = byEnd.Length - 1, pos = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (timed[byEnd[mid]].End <= start) { pos = mid; lo = mid + 1; } else hi = mid - 1;
            }
            var next = -1;
            for (; pos >= 0; pos--)
            {
                if (byEnd[pos] < current) { next = byEnd[pos]; break; }
            }
            current = next;
        }
        chain.Reverse();
        return new CriticalSet(chain, chain.Select(c => (c.File, c.Step.Index)).ToHashSet());
    }

    private static bool Visible(DateTimeOffset from, DateTimeOffset to, DateTimeOffset axisStart, DateTimeOffset axisEnd) =>
        from == to ? from >= axisStart && from <= axisEnd : from < axisEnd && to > axisStart;

    private static TimelineBar Bar(
        string taskId, Timed t, bool critical, DateTimeOffset axisStart, DateTimeOffset axisEnd, TimeSpan span)
    {
        var (offset, width) = Geometry(t.Start, t.End, axisStart, axisEnd, span, MinBarWidthPercent);
        return new TimelineBar
        {
            TaskId = taskId,
            StepId = t.Step.Id,
            Type = t.Step.Type,
            Status = t.Step.Status,
            Outcome = t.Step.Outcome,
            Reason = t.Step.Reason,
            Started = t.Start,
            Ended = t.IsRunning ? null : t.End,
            DrawnEnd = t.End,
            Duration = t.Duration,
            IsRunning = t.IsRunning,
            OffsetPercent = offset,
            WidthPercent = width,
            ClippedAtStart = t.Start < axisStart,
            ClippedAtEnd = t.End > axisEnd,
            IsOnCriticalPath = critical,
            Label = $"{(string.IsNullOrEmpty(t.Step.Type) ? "step" : t.Step.Type)} · {Format.Duration(t.Duration)}",
        };
    }

    private static TimelineWait Wait(
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset axisStart, DateTimeOffset axisEnd, TimeSpan span)
    {
        var (offset, width) = Geometry(from, to, axisStart, axisEnd, span, minWidth: 0);
        return new TimelineWait
        {
            From = from,
            To = to,
            Duration = to - from,
            OffsetPercent = offset,
            WidthPercent = width,
            Label = "waiting " + Format.Duration(to - from),
        };
    }

    /// <summary>Clips to the axis, widens to the minimum, and keeps the whole of it inside 0-100.</summary>
    private static (double Offset, double Width) Geometry(
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset axisStart, DateTimeOffset axisEnd, TimeSpan span,
        double minWidth)
    {
        var visibleFrom = from < axisStart ? axisStart : from;
        var visibleTo = to > axisEnd ? axisEnd : to;
        var offset = Math.Clamp(TimeAxis.Percent(visibleFrom - axisStart, span), 0, 100);
        var width = Math.Clamp(TimeAxis.Percent(visibleTo - visibleFrom, span), 0, 100);
        if (width < minWidth) width = minWidth;
        if (offset + width > 100) offset = 100 - width;
        return (offset, width);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record Timed(Step Step, DateTimeOffset Start, DateTimeOffset End, TimeSpan Duration, bool IsRunning, int Index);

    private sealed class FileSteps(JobTask task, List<Timed> timed, List<UntimedStep> untimed)
    {
        public JobTask Task { get; } = task;
        public List<Timed> Timed { get; } = timed;
        public List<UntimedStep> Untimed { get; } = untimed;
    }

    private sealed record CriticalSet(List<(FileSteps File, Timed Step)> Chain, HashSet<(FileSteps File, int Index)> Members)
    {
        public bool Contains((FileSteps File, int Index) key) => Members.Contains(key);
    }
}
