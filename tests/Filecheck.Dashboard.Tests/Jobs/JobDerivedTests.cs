using System.Text.Json;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Live;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>
/// A running job's page renders every second and the watcher hands over a new copy of the job on every poll: what the
/// page derives from it is computed once per job version, and once a second only where the clock is part of it.
/// </summary>
public sealed class JobDerivedTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static Job Job(string status, params (string Type, int StartS, int? EndS)[] steps) => new()
    {
        Id = "job_derived", Status = status, CreatedAt = T0, ModifiedAt = T0.AddSeconds(steps.Max(s => s.EndS ?? s.StartS)),
        Tasks = [new JobTask
        {
            Id = "task_1", Status = status,
            Steps = steps.Select((s, i) => new Step
            {
                Id = "step_" + i, Type = s.Type, Status = s.EndS is null ? "running" : "done", Outcome = s.EndS is null ? null : "pass",
                Started = T0.AddSeconds(s.StartS), Ended = s.EndS is { } e ? T0.AddSeconds(e) : null,
            }).ToList(),
        }],
    };

    /// <summary>What the watcher gives on each poll: an equal job in a new object.</summary>
    private static Job Copy(Job job) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(job, FilecheckJsonContext.Default.Job), FilecheckJsonContext.Default.Job)!;

    private static (int Answer, int Timeline, int Times) Render(JobDerived derived, Job job, int seconds, Func<Job, DateTimeOffset, Filecheck.Dashboard.Jobs.Timeline.JobTimeline>? build = null)
    {
        for (var s = 0; s < seconds; s++)
        {
            var copy = Copy(job);
            var now = T0.AddSeconds(100 + s);
            var version = JobVersion.Of(copy);
            derived.Answer(copy, version);
            derived.Timeline(copy, version, new JobViewState(), now, () => Filecheck.Dashboard.Jobs.Timeline.JobTimeline.Build(copy, now, zoom: null));
            derived.Times(copy, version, now);
        }
        return derived.Computations;
    }

    [Fact]
    public void FinishedJob_TenSecondsOfRendersAndPolls_ComputesEachOnce()
    {
        var derived = new JobDerived();

        var counts = Render(derived, Job("done", ("preflight", 0, 5), ("autofix", 6, 9)), seconds: 10);

        Assert.Equal((1, 1, 1), counts);
    }

    [Fact]
    public void RunningStep_TimelineAndTimesEverySecond_AnswerOnce()
    {
        var derived = new JobDerived();

        var counts = Render(derived, Job("running", ("preflight", 0, 5), ("autofix", 6, null)), seconds: 10);

        Assert.Equal((1, 10, 10), counts);
    }

    [Fact]
    public void RunningJobBetweenSteps_TimelineOnce_TimesCountUp()
    {
        var derived = new JobDerived();

        var counts = Render(derived, Job("running", ("preflight", 0, 5)), seconds: 10);

        Assert.Equal((1, 1, 10), counts);
    }

    [Fact]
    public void NewVersion_ComputesAgain_AndTheNewTimelineShowsIt()
    {
        var derived = new JobDerived();
        var before = Job("done", ("preflight", 0, 5));
        var after = Job("done", ("preflight", 0, 5), ("autofix", 6, 9));
        Render(derived, before, seconds: 3);

        var counts = Render(derived, after, seconds: 3);
        var timeline = derived.Timeline(after, JobVersion.Of(after), new JobViewState(), T0, () => throw new InvalidOperationException("already computed"));

        Assert.Equal((2, 2, 2), counts);
        Assert.Equal(2, timeline.Rows.Sum(r => r.Bars.Count));
    }

    [Fact]
    public void Zoom_IsPartOfTheTimelinesKey()
    {
        var derived = new JobDerived();
        var job = Job("done", ("preflight", 0, 5), ("autofix", 6, 9));
        var version = JobVersion.Of(job);

        derived.Timeline(job, version, new JobViewState(), T0, () => Filecheck.Dashboard.Jobs.Timeline.JobTimeline.Build(job, T0, zoom: null));
        derived.Timeline(job, version, new JobViewState { From = 1, To = 4 }, T0, () => Filecheck.Dashboard.Jobs.Timeline.JobTimeline.Build(job, T0, zoom: null));
        derived.Timeline(job, version, new JobViewState { From = 1, To = 4 }, T0, () => throw new InvalidOperationException("same zoom"));

        Assert.Equal(2, derived.Computations.Timeline);
    }
}
