using System.Collections.Concurrent;

namespace Filecheck.Sandbox;

/// <summary>
/// Counts requests by path (without query), e.g. <c>Count("/jobs/job_demo_running")</c>. /_sandbox calls are not counted.
/// A test can also <see cref="Watch"/> every request target exactly as it arrived (still percent-encoded), to check what a
/// client put in its paths.
/// </summary>
public sealed class SandboxRequestLog
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Action<string>, byte> _watchers = new();
    private int _total;

    /// <summary>Calls <paramref name="onTarget"/> with each request's raw target (path and query as sent) until disposed.</summary>
    public IDisposable Watch(Action<string> onTarget)
    {
        _watchers[onTarget] = 0;
        return new Unwatch(() => _watchers.TryRemove(onTarget, out _));
    }

    private sealed class Unwatch(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    public int Count(string path) => _counts.TryGetValue(Normalize(path), out var n) ? n : 0;

    public int Total => Volatile.Read(ref _total);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    public void Reset()
    {
        _counts.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    internal void Add(string path, string rawTarget)
    {
        _counts.AddOrUpdate(Normalize(path), 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        foreach (var watcher in _watchers.Keys) watcher(rawTarget);
    }

    private static string Normalize(string path)
    {
        var q = path.IndexOf('?');
        if (q >= 0) path = path[..q];
        if (path.Length > 1) path = path.TrimEnd('/');
        return path.Length == 0 ? "/" : path;
    }
}
