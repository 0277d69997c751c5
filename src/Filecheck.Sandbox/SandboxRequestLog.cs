using System.Collections.Concurrent;

namespace Filecheck.Sandbox;

/// <summary>Counts requests by path (without query), e.g. <c>Count("/jobs/job_demo_running")</c>. /_sandbox calls are not counted.</summary>
public sealed class SandboxRequestLog
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _total;

    public int Count(string path) => _counts.TryGetValue(Normalize(path), out var n) ? n : 0;

    public int Total => Volatile.Read(ref _total);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    public void Reset()
    {
        _counts.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    internal void Add(string path)
    {
        _counts.AddOrUpdate(Normalize(path), 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    private static string Normalize(string path)
    {
        var q = path.IndexOf('?');
        if (q >= 0) path = path[..q];
        if (path.Length > 1) path = path.TrimEnd('/');
        return path.Length == 0 ? "/" : path;
    }
}
