namespace Filecheck.Sandbox.Tests;

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public static DateTimeOffset DefaultStart { get; } = new(2026, 7, 29, 10, 0, 0, TimeSpan.Zero);

    public ManualClock() : this(DefaultStart) { }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
