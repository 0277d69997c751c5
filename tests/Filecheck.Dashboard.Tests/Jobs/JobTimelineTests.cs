using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Timeline;

namespace Filecheck.Dashboard.Tests.Jobs;

public sealed class JobTimelineTests
{
    private const int Precision = 2;
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static Step Step(
        string id, double? start, double? end, string type = "preflight", string status = JobStatus.Done,
        double? durationMs = null, string? outcome = Outcome.Pass, string? reason = null) => new()
    {
        Id = id,
        Type = type,
        Status = status,
        Outcome = outcome,
        Reason = reason,
        Started = start is { } s ? At(s) : null,
        Ended = end is { } e ? At(e) : null,
        Duration = durationMs,
    };

    private static JobTask File(string id, params Step[] steps) => new()
    {
        Id = id,
        OriginalArtifact = new Artifact { FileName = id + ".pdf" },
        Steps = steps,
    };

    private static Job Job(string status, DateTimeOffset? created, params JobTask[] files) => new()
    {
        Id = "job-1",
        Status = status,
        CreatedAt = created,
        Tasks = files,
    };

    private static Job DoneJob(params JobTask[] files) => Job(JobStatus.Done, T0, files);

    private static void AssertWithinAxis(double offset, double width)
    {
        Assert.InRange(width, 0, 100);
        Assert.InRange(offset, 0, 100);
        Assert.True(offset + width <= 100 + 1e-9, $"offset {offset} + width {width} runs past the axis");
    }

    [Fact]
    public void Build_SimpleThreeStepFile_GivesExactOffsetsWidthsAndLabels()
    {
        var job = DoneJob(File("cover",
            Step("s1", 0, 7, "preflight"),
            Step("s2", 7, 12, "autofix"),
            Step("s3", 12, 20, "validate")));

        var timeline = JobTimeline.Build(job, At(999));

        Assert.Equal(T0, timeline.Start);
        Assert.Equal(At(20), timeline.End);
        Assert.Equal(TimeSpan.FromSeconds(20), timeline.Span);
        var row = Assert.Single(timeline.Rows);
        Assert.Equal("cover", row.TaskId);
        Assert.Equal("cover.pdf", row.FileName);
        Assert.Equal(["s1", "s2", "s3"], row.Bars.Select(b => b.StepId));
        Assert.Equal([0, 35, 60], row.Bars.Select(b => Math.Round(b.OffsetPercent, Precision)));
        Assert.Equal([35, 25, 40], row.Bars.Select(b => Math.Round(b.WidthPercent, Precision)));
        Assert.Equal(["preflight · 7.0 s", "autofix · 5.0 s", "validate · 8.0 s"], row.Bars.Select(b => b.Label));
        Assert.Empty(row.Waits);
        Assert.Empty(row.Untimed);
        Assert.Equal(TimeSpan.FromSeconds(20), row.StepTime);
        Assert.Equal(TimeSpan.Zero, row.WaitTime);
        Assert.Equal(TimeSpan.FromSeconds(20), timeline.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(20), timeline.StepTime);
        Assert.False(timeline.IsLive);
        Assert.All(row.Bars, b => Assert.False(b.IsRunning));
    }

    [Fact]
    public void Build_StepsCarryStatusOutcomeAndReason_CopiesThemToTheBar()
    {
        var job = DoneJob(File("a", Step("s1", 0, 4, "validate", JobStatus.Error, outcome: Outcome.Fail, reason: "PDF/X-4 mismatch")));

        var bar = Assert.Single(JobTimeline.Build(job, At(60)).Rows[0].Bars);

        Assert.Equal("validate", bar.Type);
        Assert.Equal(JobStatus.Error, bar.Status);
        Assert.Equal(Outcome.Fail, bar.Outcome);
        Assert.Equal("PDF/X-4 mismatch", bar.Reason);
        Assert.Equal(At(0), bar.Started);
        Assert.Equal(At(4), bar.Ended);
    }

    [Fact]
    public void Build_ReportedDuration_UsesItForDurationButTimesForGeometry()
    {
        var job = DoneJob(File("a", Step("s1", 0, 10, durationMs: 6500)));

        var bar = Assert.Single(JobTimeline.Build(job, At(60)).Rows[0].Bars);

        Assert.Equal(TimeSpan.FromMilliseconds(6500), bar.Duration);
        Assert.Equal(100, Math.Round(bar.WidthPercent, Precision));
        Assert.Equal("preflight · 6.5 s", bar.Label);
    }

    [Fact]
    public void Build_GapsBeforeAndBetweenSteps_GivesWaitsWithGeometryAndLabels()
    {
        var job = DoneJob(File("a",
            Step("s1", 1, 3),
            Step("s2", 4, 8),
            Step("s3", 8, 10)));

        var row = JobTimeline.Build(job, At(60)).Rows[0];

        Assert.Equal(2, row.Waits.Count);
        var first = row.Waits[0];
        Assert.Equal(T0, first.From);
        Assert.Equal(At(1), first.To);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Duration);
        Assert.Equal(0, Math.Round(first.OffsetPercent, Precision));
        Assert.Equal(10, Math.Round(first.WidthPercent, Precision));
        Assert.Equal("waiting 1.0 s", first.Label);
        var between = row.Waits[1];
        Assert.Equal(At(3), between.From);
        Assert.Equal(At(4), between.To);
        Assert.Equal(30, Math.Round(between.OffsetPercent, Precision));
        Assert.Equal(10, Math.Round(between.WidthPercent, Precision));
        Assert.Equal("waiting 1.0 s", between.Label);
        Assert.Equal(TimeSpan.FromSeconds(2), row.WaitTime);
        Assert.Equal(TimeSpan.FromSeconds(8), row.StepTime);
    }

    [Fact]
    public void Build_WaitsOfSeveralFiles_AddUpInTheJobTotals()
    {
        var job = DoneJob(
            File("a", Step("a1", 2, 5)),
            File("b", Step("b1", 0, 1), Step("b2", 4, 10)));

        var timeline = JobTimeline.Build(job, At(60));

        Assert.Equal(TimeSpan.FromSeconds(2), timeline.Rows[0].WaitTime);
        Assert.Equal(TimeSpan.FromSeconds(3), timeline.Rows[1].WaitTime);
        Assert.Equal(TimeSpan.FromSeconds(5), timeline.WaitTime);
        Assert.Equal(TimeSpan.FromSeconds(10), timeline.StepTime);
        Assert.Equal(TimeSpan.FromSeconds(10), timeline.WallTime);
    }

    [Fact]
    public void Build_OverlappingSteps_GivesNoWaitAndNoNegativeWidth()
    {
        var job = DoneJob(File("a",
            Step("outer", 0, 10),
            Step("nested", 2, 4),
            Step("overlap", 6, 12),
            Step("after", 13, 14)));

        var row = JobTimeline.Build(job, At(60)).Rows[0];

        // The nested step ends at 4 while "outer" runs to 10: no gap there; the only wait is 12 -> 13.
        var wait = Assert.Single(row.Waits);
        Assert.Equal(At(12), wait.From);
        Assert.Equal(At(13), wait.To);
        Assert.Equal(4, row.Bars.Count);
        Assert.All(row.Bars, b => AssertWithinAxis(b.OffsetPercent, b.WidthPercent));
        Assert.All(row.Waits, w => AssertWithinAxis(w.OffsetPercent, w.WidthPercent));
        Assert.Equal([0, 14.29, 42.86, 92.86], row.Bars.Select(b => Math.Round(b.OffsetPercent, Precision)));
        Assert.Equal([71.43, 14.29, 42.86, 7.14], row.Bars.Select(b => Math.Round(b.WidthPercent, Precision)));
    }

    [Fact]
    public void Build_StepsInApiOrderDifferentFromTime_SortsBarsAndWaitsByStartTime()
    {
        var job = DoneJob(File("a", Step("late", 6, 8), Step("early", 1, 2)));

        var row = JobTimeline.Build(job, At(60)).Rows[0];

        Assert.Equal(["early", "late"], row.Bars.Select(b => b.StepId));
        Assert.Equal([(T0, At(1)), (At(2), At(6))], row.Waits.Select(w => (w.From, w.To)));
    }

    [Fact]
    public void Build_StepsWithMissingTimes_ListsThemAsUntimedNotDropped()
    {
        var job = DoneJob(File("a",
            Step("timed", 0, 5),
            Step("no-start", null, 5),
            Step("no-end", 1, null, status: JobStatus.Done),
            Step("queued", null, null, status: JobStatus.Pending)));

        var timeline = JobTimeline.Build(job, At(60));
        var row = timeline.Rows[0];

        Assert.Equal(["timed"], row.Bars.Select(b => b.StepId));
        Assert.Equal(
            [("no-start", "no start time"), ("no-end", "no end time"), ("queued", "not started yet")],
            row.Untimed.Select(u => (u.StepId, u.Problem)));
        Assert.Equal(3, timeline.UntimedCount);
        Assert.Equal(TimeSpan.FromSeconds(5), row.StepTime);
    }

    [Fact]
    public void Build_ZeroLengthStep_GetsMinimumWidthButKeepsZeroDuration()
    {
        var job = DoneJob(File("a",
            Step("s1", 0, 5),
            Step("instant", 5, 5, "validate"),
            Step("s3", 5, 10),
            Step("last", 10, 10, "deliver")));

        var row = JobTimeline.Build(job, At(60)).Rows[0];

        var instant = row.Bars.Single(b => b.StepId == "instant");
        Assert.Equal(TimeSpan.Zero, instant.Duration);
        Assert.Equal(JobTimeline.MinBarWidthPercent, instant.WidthPercent, Precision);
        Assert.Equal(50, Math.Round(instant.OffsetPercent, Precision));
        Assert.Equal("validate · 0 ms", instant.Label);
        // At the axis's very end the minimum width is kept inside the axis.
        var last = row.Bars.Single(b => b.StepId == "last");
        Assert.Equal(TimeSpan.Zero, last.Duration);
        Assert.Equal(100 - JobTimeline.MinBarWidthPercent, last.OffsetPercent, Precision);
        Assert.Equal(JobTimeline.MinBarWidthPercent, last.WidthPercent, Precision);
        Assert.Empty(row.Waits);
    }

    [Fact]
    public void Build_StepEndedBeforeItStarted_ListsItAsUntimedWithProblem()
    {
        var job = DoneJob(File("a", Step("ok", 0, 4), Step("skewed", 6, 5, durationMs: 1000)));

        var timeline = JobTimeline.Build(job, At(60));
        var row = timeline.Rows[0];

        Assert.Equal(["ok"], row.Bars.Select(b => b.StepId));
        var untimed = Assert.Single(row.Untimed);
        Assert.Equal("skewed", untimed.StepId);
        Assert.Equal("ended before it started", untimed.Problem);
        Assert.Equal(At(6), untimed.Started);
        Assert.Equal(At(5), untimed.Ended);
        Assert.Equal(At(4), timeline.End);
    }

    [Fact]
    public void Build_RunningStep_EndsAtNowAndJobIsLive()
    {
        var job = Job(JobStatus.Running, T0, File("a",
            Step("s1", 0, 5),
            Step("s2", 6, null, "autofix", JobStatus.Running, outcome: null)));
        var now = At(30);

        var timeline = JobTimeline.Build(job, now);
        var running = timeline.Rows[0].Bars.Single(b => b.StepId == "s2");

        Assert.True(timeline.IsLive);
        Assert.True(running.IsRunning);
        Assert.Null(running.Ended);
        Assert.Equal(now, running.DrawnEnd);
        Assert.Equal(TimeSpan.FromSeconds(24), running.Duration);
        Assert.Equal(20, Math.Round(running.OffsetPercent, Precision));
        Assert.Equal(80, Math.Round(running.WidthPercent, Precision));
        Assert.Equal(now, timeline.End);
        Assert.Equal(TimeSpan.FromSeconds(30), timeline.WallTime);
        Assert.Equal([new CriticalStep("a", "s1"), new CriticalStep("a", "s2")], timeline.CriticalPath);
    }

    [Fact]
    public void Build_LiveJobBetweenSteps_AxisReachesNow()
    {
        var job = Job(JobStatus.Running, T0, File("a", Step("s1", 0, 5), Step("s2", null, null, status: JobStatus.Pending)));

        var timeline = JobTimeline.Build(job, At(20));

        Assert.Equal(At(20), timeline.End);
        Assert.Equal(TimeSpan.FromSeconds(20), timeline.WallTime);
        Assert.Equal(25, Math.Round(timeline.Rows[0].Bars[0].WidthPercent, Precision));
    }

    [Fact]
    public void Build_CreatedAfterFirstStepOrMissing_StartsAtEarliestStep()
    {
        var files = new[] { File("a", Step("s1", 2, 6)), File("b", Step("s2", 4, 10)) };

        var late = JobTimeline.Build(Job(JobStatus.Done, At(3), files), At(60));
        var missing = JobTimeline.Build(Job(JobStatus.Done, null, files), At(60));

        Assert.Equal(At(2), late.Start);
        Assert.Equal(At(2), missing.Start);
        Assert.Equal(TimeSpan.FromSeconds(8), missing.WallTime);
        Assert.Equal(0, Math.Round(missing.Rows[0].Bars[0].OffsetPercent, Precision));
        Assert.Equal(25, Math.Round(missing.Rows[1].Bars[0].OffsetPercent, Precision));
        // The second file waited from the job's start (the first step) until its own step began.
        Assert.Equal((At(2), At(4)), missing.Rows[1].Waits.Select(w => (w.From, w.To)).Single());
    }

    [Fact]
    public void Build_TwoFileJob_MarksTheExactCriticalChain()
    {
        var job = DoneJob(
            File("a", Step("a1", 0, 2), Step("a2", 2, 5), Step("a3", 5, 6)),
            // API order differs from time order; b3 overlaps b1 and b2 and ends before b4 starts, but earlier than b2.
            File("b", Step("b4", 4, 9), Step("b3", 0.5, 2), Step("b1", 0, 1), Step("b2", 1.5, 3)));

        var timeline = JobTimeline.Build(job, At(60));

        Assert.Equal(
            [new CriticalStep("b", "b1"), new CriticalStep("b", "b2"), new CriticalStep("b", "b4")],
            timeline.CriticalPath);
        var onPath = timeline.Rows.SelectMany(r => r.Bars).Where(b => b.IsOnCriticalPath).Select(b => b.StepId);
        Assert.Equal(["b1", "b2", "b4"], onPath);
    }

    [Fact]
    public void Build_ZeroLengthStepsAtTheSameInstant_CriticalPathDoesNotLoop()
    {
        var job = DoneJob(File("a", Step("s1", 0, 3), Step("z1", 3, 3), Step("z2", 3, 3)));

        var timeline = JobTimeline.Build(job, At(60));

        Assert.Equal(
            [new CriticalStep("a", "s1"), new CriticalStep("a", "z1"), new CriticalStep("a", "z2")],
            timeline.CriticalPath);
    }

    [Fact]
    public void Build_TwoThousandFiles_GivesEveryRowWithinTheAxisAndCriticalPathEndingAtTheLatestStep()
    {
        var random = new Random(20250301);
        var files = new List<JobTask>();
        for (var f = 0; f < 2000; f++)
        {
            var steps = new List<Step>();
            double t = random.NextDouble() * 600;
            for (var s = 0; s < 6; s++)
            {
                var length = random.Next(0, 4) == 0 ? 0 : random.NextDouble() * 30;
                steps.Add(Step($"f{f}-s{s}", t, t + length));
                t += length + random.NextDouble() * 5;
            }
            files.Add(File($"f{f}", [.. steps]));
        }
        // One file that clearly finishes last.
        files.Insert(1234, File("slowest", Step("x1", 10, 100), Step("x2", 120, 400), Step("x3", 400, 2000)));
        var job = DoneJob([.. files]);

        var timeline = JobTimeline.Build(job, At(5000));

        Assert.Equal(2001, timeline.Rows.Count);
        Assert.Equal("slowest", timeline.Rows[1234].TaskId);
        Assert.Equal(12_003, timeline.Rows.Sum(r => r.Bars.Count));
        Assert.All(timeline.Rows.SelectMany(r => r.Bars), b => AssertWithinAxis(b.OffsetPercent, b.WidthPercent));
        Assert.All(timeline.Rows.SelectMany(r => r.Waits), w => AssertWithinAxis(w.OffsetPercent, w.WidthPercent));
        Assert.Equal(At(2000), timeline.End);
        Assert.Equal(new CriticalStep("slowest", "x3"), timeline.CriticalPath[^1]);
        Assert.Equal(
            [new CriticalStep("slowest", "x1"), new CriticalStep("slowest", "x2"), new CriticalStep("slowest", "x3")],
            timeline.CriticalPath);
        Assert.Equal(3, timeline.Rows.SelectMany(r => r.Bars).Count(b => b.IsOnCriticalPath));
    }

    public static TheoryData<double, string> TickSpans => new()
    {
        { 0.8, "0 ms|100 ms|200 ms|300 ms|400 ms|500 ms|600 ms|700 ms|800 ms" },
        { 45, "0 s|5 s|10 s|15 s|20 s|25 s|30 s|35 s|40 s|45 s" },
        { 90, "0 min|10 s|20 s|30 s|40 s|50 s|1 min|1m 10s|1m 20s|1m 30s" },
        { 7 * 60, "0 min|1 min|2 min|3 min|4 min|5 min|6 min|7 min" },
        { 3 * 3600, "0 h|30 min|1 h|1h 30m|2 h|2h 30m|3 h" },
    };

    [Theory]
    [MemberData(nameof(TickSpans))]
    public void Build_SpanOfSeconds_GivesNiceTicksWithLabelsInSensibleUnits(double seconds, string expected)
    {
        var job = DoneJob(File("a", Step("s1", 0, seconds)));

        var timeline = JobTimeline.Build(job, At(99_999));

        Assert.Equal(expected, string.Join("|", timeline.Ticks.Select(t => t.Label)));
        Assert.InRange(timeline.Ticks.Count, 4, 10);
        Assert.Equal(0, timeline.Ticks[0].OffsetPercent);
        Assert.Equal(100, Math.Round(timeline.Ticks[^1].OffsetPercent, Precision));
    }

    [Fact]
    public void Build_AnySpanFromMillisecondsToWeeks_GivesFourToTenIncreasingTicksInsideTheAxis()
    {
        for (var ms = 10.0; ms < 40 * 86_400_000.0; ms *= 1.37)
        {
            var job = DoneJob(File("a", Step("s1", 0, ms / 1000)));

            var ticks = JobTimeline.Build(job, At(0)).Ticks;

            Assert.True(ticks.Count is >= 4 and <= 10, $"{ticks.Count} ticks for a span of {ms} ms");
            for (var i = 1; i < ticks.Count; i++)
            {
                Assert.True(ticks[i].OffsetPercent > ticks[i - 1].OffsetPercent, $"ticks not increasing for {ms} ms");
                Assert.NotEqual(ticks[i].Label, ticks[i - 1].Label);
            }
            Assert.All(ticks, t => Assert.InRange(t.OffsetPercent, 0, 100));
        }
    }

    [Fact]
    public void Build_ZoomToRange_ClipsBarsAndKeepsTotals()
    {
        var job = DoneJob(File("a", Step("s1", 0, 7), Step("s2", 7, 12), Step("s3", 12, 20)));

        var timeline = JobTimeline.Build(job, At(60), new TimelineRange(At(5), At(15)));
        var bars = timeline.Rows[0].Bars;

        Assert.Equal(At(5), timeline.Start);
        Assert.Equal(At(15), timeline.End);
        Assert.Equal(T0, timeline.JobStart);
        Assert.Equal([0, 20, 70], bars.Select(b => Math.Round(b.OffsetPercent, Precision)));
        Assert.Equal([20, 50, 30], bars.Select(b => Math.Round(b.WidthPercent, Precision)));
        Assert.Equal([true, false, false], bars.Select(b => b.ClippedAtStart));
        Assert.Equal([false, false, true], bars.Select(b => b.ClippedAtEnd));
        // Durations are the steps' own, not the clipped parts.
        Assert.Equal(TimeSpan.FromSeconds(7), bars[0].Duration);
        // Tick labels still count from the job's start.
        Assert.Equal(["6 s", "8 s", "10 s", "12 s", "14 s"], timeline.Ticks.Select(t => t.Label));
        Assert.Equal(10, Math.Round(timeline.Ticks[0].OffsetPercent, Precision));
    }

    [Fact]
    public void Build_ZoomLeavingStepsOutside_ExcludesThemFromGeometryButCountsThemInTotals()
    {
        var job = DoneJob(File("a", Step("s1", 1, 7), Step("s2", 7, 12), Step("s3", 12, 20)));

        var timeline = JobTimeline.Build(job, At(60), new TimelineRange(At(13), At(20)));
        var row = timeline.Rows[0];

        Assert.Equal(["s3"], row.Bars.Select(b => b.StepId));
        Assert.Empty(row.Waits);
        Assert.Equal(TimeSpan.FromSeconds(19), row.StepTime);
        Assert.Equal(TimeSpan.FromSeconds(1), row.WaitTime);
        Assert.Equal(TimeSpan.FromSeconds(19), timeline.StepTime);
        Assert.Equal(TimeSpan.FromSeconds(20), timeline.WallTime);
        Assert.Equal(3, timeline.CriticalPath.Count);
    }

    [Fact]
    public void Build_ZoomToTask_AxisSpansThatFilesSteps()
    {
        var job = DoneJob(
            File("a", Step("a1", 1, 3), Step("a2", 3, 5)),
            File("b", Step("b1", 3, 10)));

        var timeline = JobTimeline.Build(job, At(60), zoomToTaskId: "a");

        Assert.Equal(new TimelineRange(At(1), At(5)), timeline.Zoom);
        Assert.Equal(At(1), timeline.Start);
        Assert.Equal(At(5), timeline.End);
        Assert.Equal([0, 50], timeline.Rows[0].Bars.Select(b => Math.Round(b.OffsetPercent, Precision)));
        Assert.Equal([50, 50], timeline.Rows[0].Bars.Select(b => Math.Round(b.WidthPercent, Precision)));
        var clipped = Assert.Single(timeline.Rows[1].Bars);
        Assert.Equal(50, Math.Round(clipped.OffsetPercent, Precision));
        Assert.Equal(50, Math.Round(clipped.WidthPercent, Precision));
        Assert.True(clipped.ClippedAtEnd);
    }

    [Fact]
    public void Build_ZoomToUnknownTask_GivesTheWholeJob()
    {
        var job = DoneJob(File("a", Step("a1", 0, 4)));

        var timeline = JobTimeline.Build(job, At(60), zoomToTaskId: "nope");

        Assert.Null(timeline.Zoom);
        Assert.Equal(T0, timeline.Start);
        Assert.Equal(At(4), timeline.End);
    }

    [Fact]
    public void Build_ZoomEndingBeforeItStarts_Throws()
    {
        var job = DoneJob(File("a", Step("a1", 0, 4)));

        Assert.Throws<ArgumentException>(() => JobTimeline.Build(job, At(60), new TimelineRange(At(3), At(1))));
    }

    [Fact]
    public void Build_JobWithoutTasks_GivesEmptyRowsAndAUsableAxis()
    {
        var job = Job(JobStatus.Done, T0);

        var timeline = JobTimeline.Build(job, At(60));

        Assert.Empty(timeline.Rows);
        Assert.Empty(timeline.CriticalPath);
        Assert.Equal(TimeSpan.Zero, timeline.WallTime);
        Assert.True(timeline.Span > TimeSpan.Zero);
        Assert.InRange(timeline.Ticks.Count, 4, 10);
    }
}
