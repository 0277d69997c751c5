namespace Filecheck.Sandbox;

/// <summary>Faults switched on at run time; they apply to API requests only (not to signed files or /_sandbox).</summary>
public sealed class SandboxFaults
{
    private readonly Lock _gate = new();
    private readonly Queue<SandboxFault> _next = new();
    private SandboxFault _always;
    private long _latencyTicks;
    private int _retryAfter = 1;

    /// <summary>Added to every API response.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>The Retry-After (seconds) sent with <see cref="SandboxFault.RateLimited"/>.</summary>
    public int RetryAfterSeconds
    {
        get => Volatile.Read(ref _retryAfter);
        set => Volatile.Write(ref _retryAfter, Math.Max(0, value));
    }

    /// <summary>The next <paramref name="times"/> API requests get this fault (queued after any already queued).</summary>
    public void Next(SandboxFault fault, int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
            for (var i = 0; i < times; i++) _next.Enqueue(fault);
    }

    /// <summary>Every API request gets this fault until <see cref="Clear"/>.</summary>
    public void Always(SandboxFault fault)
    {
        lock (_gate) _always = fault;
    }

    /// <summary>Removes queued and permanent faults and the latency.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _next.Clear();
            _always = SandboxFault.None;
        }
        Latency = TimeSpan.Zero;
    }

    /// <summary>How many queued faults are still to be served.</summary>
    public int Pending
    {
        get { lock (_gate) return _next.Count; }
    }

    public SandboxFault Permanent
    {
        get { lock (_gate) return _always; }
    }

    internal SandboxFault Take()
    {
        lock (_gate) return _next.Count > 0 ? _next.Dequeue() : _always;
    }
}
