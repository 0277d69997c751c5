using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Answer;
using Filecheck.Dashboard.Jobs.Timeline;

namespace Filecheck.Dashboard.Jobs.Live;

/// <summary>
/// The job page's timeline, times and answer. A running job's page renders every second; each is computed again only
/// when what it depends on changes: the answer once per job version; the timeline per version and zoom, and once a
/// second while a step runs (its bar grows with the clock); the times per version, and once a second until the job
/// finishes (wall time and time in Filecheck count up to now).
/// </summary>
public sealed class JobDerived
{
    private readonly record struct TimelineKey(JobVersion Version, string? ZoomFile, double? From, double? To, long Second);
    private readonly record struct TimesKey(JobVersion Version, long Second);

    private readonly PerVersion<JobVersion, JobAnswer> _answer = new();
    private readonly PerVersion<TimelineKey, JobTimeline> _timeline = new();
    private readonly PerVersion<TimesKey, (JobTimes, IReadOnlyList<TimeFact>)> _times = new();

    /// <summary>How many times each was computed (what the tests count).</summary>
    public (int Answer, int Timeline, int Times) Computations => (_answer.Computations, _timeline.Computations, _times.Computations);

    public JobAnswer Answer(Job job, JobVersion version) => _answer.Get(version, () => JobAnswer.For(job));

    public JobTimeline Timeline(Job job, JobVersion version, JobViewState state, DateTimeOffset now, Func<JobTimeline> build) =>
        _timeline.Get(new TimelineKey(version, state.ZoomFile, state.From, state.To, version.Running ? now.ToUnixTimeSeconds() : 0), build);

    public (JobTimes Times, IReadOnlyList<TimeFact> Facts) Times(Job job, JobVersion version, DateTimeOffset now) =>
        _times.Get(new TimesKey(version, job.IsTerminal ? 0 : now.ToUnixTimeSeconds()), () =>
        {
            var times = JobTimes.For(job, now);
            return (times, TimeFacts.For(times, job));
        });
}
