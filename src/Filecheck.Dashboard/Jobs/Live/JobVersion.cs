using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs.Live;

/// <summary>
/// What makes two copies of a job the same version: the watcher hands over a new object on every poll, but what the
/// page derives from it (redacted JSON, timeline, files query, answer) changes only when the job does: its
/// <c>modifiedAt</c>, status or outcome, or how many of its steps have started or ended.
/// </summary>
public readonly record struct JobVersion(string Id, DateTimeOffset? ModifiedAt, string? Status, string? Outcome, int Tasks, int Steps, int Started, int Ended)
{
    public static JobVersion Of(Job job)
    {
        int steps = 0, started = 0, ended = 0;
        foreach (var task in job.Tasks ?? [])
        {
            foreach (var step in task.Steps ?? [])
            {
                steps++;
                if (step.Started is not null) started++;
                if (step.Ended is not null) ended++;
            }
        }
        return new JobVersion(job.Id, job.ModifiedAt, job.Status, job.Outcome, job.Tasks?.Count ?? 0, steps, started, ended);
    }

    /// <summary>True while a step has started and not ended: its bar and the times grow with the clock.</summary>
    public bool Running => Started > Ended;
}

/// <summary>The last value computed and the key it was computed for: computed again only when the key changes.</summary>
public sealed class PerVersion<TKey, TValue> where TKey : IEquatable<TKey>
{
    private TKey? _key;
    private TValue? _value;
    private bool _has;

    /// <summary>How many times the value was computed (what the tests count).</summary>
    public int Computations { get; private set; }

    public TValue Get(TKey key, Func<TValue> compute)
    {
        if (_has && key.Equals(_key!)) return _value!;
        _value = compute();
        _key = key;
        _has = true;
        Computations++;
        return _value;
    }
}
