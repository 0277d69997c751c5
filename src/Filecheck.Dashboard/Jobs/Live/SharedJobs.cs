using System.Collections.Concurrent;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs.Live;

/// <summary>
/// One copy of each job version for every page that shows it: a lookup parses its own copy (from the store or from
/// Filecheck), and fifty viewers of a 200-file job would each keep theirs. <see cref="Share"/> hands back the copy
/// already shown for the same <see cref="JobVersion"/>; held weakly, so a job no page shows any more is collected.
/// Jobs are never changed after parsing (a new poll brings a new object), which is what makes sharing safe.
/// </summary>
public sealed class SharedJobs
{
    /// <summary>Dead entries are swept after this many new ones, so the map stays as small as the jobs in view.</summary>
    private const int SweepEvery = 256;
    private readonly ConcurrentDictionary<string, (JobVersion Version, WeakReference<Job> Job)> _jobs = new(StringComparer.Ordinal);
    private int _added;

    /// <summary>How many jobs have a copy held for sharing right now (alive or not yet swept).</summary>
    public int Count => _jobs.Count;

    public Job Share(Job job)
    {
        var version = JobVersion.Of(job);
        if (_jobs.TryGetValue(job.Id, out var entry) && entry.Version == version && entry.Job.TryGetTarget(out var shown)) return shown;
        _jobs[job.Id] = (version, new WeakReference<Job>(job));
        if (Interlocked.Increment(ref _added) % SweepEvery == 0) Sweep();
        return job;
    }

    private void Sweep()
    {
        foreach (var (id, entry) in _jobs)
            if (!entry.Job.TryGetTarget(out _)) _jobs.TryRemove(new KeyValuePair<string, (JobVersion, WeakReference<Job>)>(id, entry));
    }
}
