using Filecheck.Api.Models;

using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Answer;

/// <summary>
/// The job's times, each named for what it is. Files run side by side, so summing their steps gives a figure larger
/// than the job took: the sums are kept, but only ever shown labelled as sums over files.
/// </summary>
/// <param name="WallTime">First step's start to last step's end (to now while running).</param>
/// <param name="InFilecheck">createdAt to modifiedAt (to now while running).</param>
/// <param name="MedianFile">Median over files of first step start to last step end.</param>
/// <param name="LongestFile">The longest file, by the same measure.</param>
/// <param name="StepTimeSum">Every step's duration added up over all files.</param>
/// <param name="WaitSum">Every wait between a file's steps, added up over all files.</param>
public sealed record JobTimes(
    TimeSpan? WallTime,
    TimeSpan? InFilecheck,
    TimeSpan? MedianFile,
    TimeSpan? LongestFile,
    string? LongestFileName,
    string? LongestFileTaskId,
    TimeSpan? StepTimeSum,
    TimeSpan? WaitSum,
    int TimedFiles)
{
    public static JobTimes For(Job job, DateTimeOffset now)
    {
        var running = !job.IsTerminal;
        DateTimeOffset? first = null, last = null;
        var files = new List<(TimeSpan Span, JobTask Task)>();
        TimeSpan? stepSum = null, waitSum = null;
        foreach (var task in job.Tasks ?? [])
        {
            DateTimeOffset? fileStart = null, fileEnd = null, frontier = null;
            foreach (var step in task.Steps ?? [])
            {
                var start = step.Started;
                var end = step.Ended ?? (start is not null && running && JobStatus.IsActive(step.Status) ? now : null);
                var duration = step.DurationSpan ?? (start is { } s && end is { } e && e >= s ? e - s : null);
                if (duration is { } d && d >= TimeSpan.Zero) stepSum = Spans.Add(stepSum ?? TimeSpan.Zero, d);
                if (start is { } st)
                {
                    if (frontier is { } f && st > f) waitSum = Spans.Add(waitSum ?? TimeSpan.Zero, st - f);
                    fileStart = Min(fileStart, st);
                    first = Min(first, st);
                }
                if (end is { } en && (start is null || en >= start))
                {
                    fileEnd = Max(fileEnd, en);
                    last = Max(last, en);
                    frontier = Max(frontier, en);
                }
            }
            if (fileStart is { } fs && fileEnd is { } fe && fe >= fs) files.Add((fe - fs, task));
        }

        TimeSpan? wall = first is { } a && last is { } b && b >= a ? b - a : null;
        var endOfJob = running ? now : job.ModifiedAt;
        TimeSpan? inFilecheck = job.CreatedAt is { } c && endOfJob is { } m && m >= c ? m - c : null;
        var ordered = files.OrderBy(f => f.Span).ToList();
        TimeSpan? median = ordered.Count == 0 ? null
            : ordered.Count % 2 == 1 ? ordered[ordered.Count / 2].Span
            : Spans.Midpoint(ordered[ordered.Count / 2 - 1].Span, ordered[ordered.Count / 2].Span);
        var longest = ordered.Count == 0 ? default : ordered[^1];
        return new JobTimes(wall, inFilecheck, median, ordered.Count == 0 ? null : longest.Span,
            longest.Task?.DisplayName, longest.Task?.Id, stepSum, waitSum, ordered.Count);
    }

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}

/// <summary>One labelled time, the same on the header and the timeline's summary row.</summary>
public sealed record TimeFact(string Label, string Value, string Explanation, string TestId);

public static class TimeFacts
{
    public static IReadOnlyList<TimeFact> For(JobTimes times, Job job)
    {
        var live = !job.IsTerminal;
        var facts = new List<TimeFact>
        {
            new(live ? "Running for" : "Wall time", Format.Duration(times.WallTime),
                "From the first step's start to the last step's end" + (live ? " (now, while it runs)" : ""), "wall-time"),
            new("In Filecheck", Format.Duration(times.InFilecheck),
                "From the job's creation to its last change" + (live ? " (now, while it runs)" : ""), "in-filecheck"),
        };
        if (times.TimedFiles > 1)
        {
            facts.Add(new("Per file", $"median {Format.Duration(times.MedianFile)} · longest {Format.Duration(times.LongestFile)}",
                $"Each file from its first step's start to its last step's end; the longest is {times.LongestFileName}", "per-file"));
        }
        var sum = times.TimedFiles > 1 ? ", summed over files" : "";
        facts.Add(new("Step time" + sum, Format.Duration(times.StepTimeSum),
            times.TimedFiles > 1 ? "Every step's duration added up across files that ran side by side: more than the job took" : "Every step's duration added up", "step-time"));
        facts.Add(new("Waits" + sum, Format.Duration(times.WaitSum),
            "Gaps between one step's end and the next step's start in the same file" + (times.TimedFiles > 1 ? ", added up across files" : ""), "wait-time"));
        return facts;
    }
}
