using Filecheck.Api.Models;

namespace Filecheck.Dashboard.History;

/// <summary>
/// The parsed copy of each stored job body, handed out again while the body is unchanged: a cached lookup of a 200-file
/// job cost most of a raw fetch because every one read and parsed the stored JSON anew. Keyed by the job and its row's
/// <see cref="JobRecord.BodyVersion"/> (a new random value at every write of the body), so a reader checks its copy
/// without reading the body; jobs are immutable once parsed, so one copy serves every reader. The copies kept are
/// bounded by the size of their bodies, the least recently used dropped first.
/// </summary>
public sealed class StoredJobCopies(long maxBodyChars = StoredJobCopies.DefaultMaxBodyChars)
{
    /// <summary>8 M characters of bodies (16 MB as text): dozens of 200-file jobs, or a 2,000-file one among others.</summary>
    public const long DefaultMaxBodyChars = 8L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new();
    private long _chars;
    private long _parses;

    /// <summary>How many bodies were parsed (what the tests count).</summary>
    public long Parses => Interlocked.Read(ref _parses);

    /// <summary>The copy parsed before from the body of this <paramref name="version"/>, or null.</summary>
    public Job? Get(string jobId, long version)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(jobId, out var node) || node.Value.Version != version) return null;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Job;
        }
    }

    /// <summary>The job of <paramref name="body"/> (of <paramref name="version"/>): the copy parsed before when it is the same version, else parsed now (null when it is not a job).</summary>
    public Job? Put(string jobId, long version, string body, Func<string, Job?> parse)
    {
        if (Get(jobId, version) is { } known) return known;
        Interlocked.Increment(ref _parses);
        if (parse(body) is not { } job) return null;
        lock (_gate)
        {
            if (_byId.Remove(jobId, out var old)) Drop(old);
            var node = _recent.AddFirst(new Entry(jobId, version, job, body.Length));
            _byId[jobId] = node;
            _chars += body.Length;
            while (_chars > maxBodyChars && _recent.Last is { } last && last != node)
            {
                _byId.Remove(last.Value.Id);
                Drop(last);
            }
        }
        return job;
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _chars -= node.Value.Chars;
    }

    private sealed record Entry(string Id, long Version, Job Job, long Chars);
}
