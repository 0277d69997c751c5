using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Answer;

namespace Filecheck.Dashboard.Tests.Jobs.Answer;

public sealed class JobTimesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static Step Step(string id, double startS, double endS) => new()
    {
        Id = id, Status = JobStatus.Done, Started = T0.AddSeconds(startS), Ended = T0.AddSeconds(endS), Duration = (endS - startS) * 1000,
    };

    private static JobTask File(string id, params Step[] steps) => new() { Id = id, OriginalArtifact = new Artifact { FileName = id + ".pdf" }, Steps = steps };

    [Fact]
    public void For_FilesSideBySide_WallTimeIsFirstStartToLastEndNotTheSum()
    {
        // Three files, each 10 s of steps with a 2 s wait, all running at the same time.
        var job = new Job
        {
            Id = "job_a", Status = JobStatus.Done, CreatedAt = T0.AddSeconds(-1), ModifiedAt = T0.AddSeconds(15),
            Tasks = [File("a", Step("1", 0, 4), Step("2", 6, 12)), File("b", Step("1", 1, 5), Step("2", 7, 13)), File("c", Step("1", 0, 2), Step("2", 4, 8))],
        };
        var times = JobTimes.For(job, T0.AddHours(1));

        Assert.Equal(TimeSpan.FromSeconds(13), times.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(16), times.InFilecheck);
        Assert.Equal(TimeSpan.FromSeconds(12), times.MedianFile);
        Assert.Equal(TimeSpan.FromSeconds(12), times.LongestFile);
        Assert.Equal("b.pdf", times.LongestFileName);
        // The sums are larger than the wall time: they add up files that ran side by side.
        Assert.Equal(TimeSpan.FromSeconds(4 + 6 + 4 + 6 + 2 + 4), times.StepTimeSum);
        Assert.Equal(TimeSpan.FromSeconds(2 + 2 + 2), times.WaitSum);
        Assert.True(times.StepTimeSum > times.WallTime);
    }

    [Fact]
    public void For_EvenFileCount_MedianIsTheMeanOfTheMiddleTwo()
    {
        var job = new Job { Id = "j", Status = JobStatus.Done, Tasks = [File("a", Step("1", 0, 2)), File("b", Step("1", 0, 4)), File("c", Step("1", 0, 6)), File("d", Step("1", 0, 100))] };
        Assert.Equal(TimeSpan.FromSeconds(5), JobTimes.For(job, T0).MedianFile);
    }

    [Fact]
    public void For_RunningJob_CountsToNow()
    {
        var running = new Step { Id = "2", Status = JobStatus.Running, Started = T0.AddSeconds(5) };
        var job = new Job { Id = "j", Status = JobStatus.Running, CreatedAt = T0, Tasks = [File("a", Step("1", 0, 3), running)] };
        var times = JobTimes.For(job, T0.AddSeconds(20));

        Assert.Equal(TimeSpan.FromSeconds(20), times.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(20), times.InFilecheck);
        Assert.Equal(TimeSpan.FromSeconds(2), times.WaitSum);
    }

    [Fact]
    public void For_NoTimes_GivesNothingRatherThanZero()
    {
        var job = new Job { Id = "j", Status = JobStatus.Done, Tasks = [new JobTask { Id = "a", Steps = [new Step { Id = "s" }] }] };
        var times = JobTimes.For(job, T0);

        Assert.Null(times.WallTime);
        Assert.Null(times.InFilecheck);
        Assert.Null(times.MedianFile);
        Assert.Null(times.StepTimeSum);
        Assert.Equal(0, times.TimedFiles);
    }

    [Fact]
    public void For_EndedBeforeStarted_IsLeftOutNotNegative()
    {
        var broken = new Step { Id = "1", Status = JobStatus.Done, Started = T0.AddSeconds(10), Ended = T0.AddSeconds(5) };
        var job = new Job { Id = "j", Status = JobStatus.Done, Tasks = [File("a", broken, Step("2", 11, 12))] };
        var times = JobTimes.For(job, T0);

        Assert.Equal(TimeSpan.FromSeconds(2), times.WallTime);
        Assert.True(times.StepTimeSum >= TimeSpan.Zero);
    }
}
