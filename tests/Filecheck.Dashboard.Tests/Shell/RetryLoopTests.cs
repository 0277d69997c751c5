using Filecheck.Dashboard.Shell;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>The back-off a page uses to recover by itself: on a fake clock, so every delay is exact.</summary>
public sealed class RetryLoopTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Seconds after the start at which the attempts ran, advancing the clock one second at a time.</summary>
    private List<double> Run(RetryLoop loop, int seconds, Func<int, RetryAnswer> answer)
    {
        var start = _clock.GetUtcNow();
        var at = new List<double>();
        loop.Start(_ =>
        {
            at.Add((_clock.GetUtcNow() - start).TotalSeconds);
            return Task.FromResult(answer(at.Count));
        });
        for (var i = 0; i < seconds; i++) _clock.Advance(TimeSpan.FromSeconds(1));
        return at;
    }

    [Fact]
    public void Start_AttemptsKeepFailing_TriesAfter1sThenDoublingUpTo30s()
    {
        using var loop = new RetryLoop(_clock);

        var at = Run(loop, 130, _ => RetryAnswer.NotYet());

        Assert.Equal([1, 3, 7, 15, 31, 61, 91, 121], at);
        Assert.True(loop.Running);
    }

    [Fact]
    public void Start_RetryAfterLongerThanTheBackOff_WaitsForIt()
    {
        using var loop = new RetryLoop(_clock);

        var at = Run(loop, 30, n => RetryAnswer.NotYet(n == 1 ? TimeSpan.FromSeconds(10) : null));

        Assert.Equal([1, 11, 15, 23], at);
    }

    [Fact]
    public void Start_AnAttemptSucceeds_StopsTrying()
    {
        using var loop = new RetryLoop(_clock);

        var at = Run(loop, 60, n => n == 3 ? RetryAnswer.Succeeded : RetryAnswer.NotYet());

        Assert.Equal([1, 3, 7], at);
        Assert.False(loop.Running);
    }

    [Fact]
    public void Start_WhileRunning_KeepsTheRunningLoop_AndStopEndsIt()
    {
        using var loop = new RetryLoop(_clock);
        var first = 0;
        var second = 0;
        loop.Start(_ => { first++; return Task.FromResult(RetryAnswer.NotYet()); });
        loop.Start(_ => { second++; return Task.FromResult(RetryAnswer.Succeeded); });

        for (var i = 0; i < 3; i++) _clock.Advance(TimeSpan.FromSeconds(1));
        loop.Stop();
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal((2, 0), (first, second));
        Assert.False(loop.Running);
    }

    [Fact]
    public void Start_AnAttemptThrows_CountsAsAFailureAndTriesAgain()
    {
        using var loop = new RetryLoop(_clock);
        var at = new List<double>();
        var start = _clock.GetUtcNow();
        loop.Start(_ =>
        {
            at.Add((_clock.GetUtcNow() - start).TotalSeconds);
            return at.Count == 1 ? throw new InvalidOperationException("the store failed") : Task.FromResult(RetryAnswer.Succeeded);
        });

        for (var i = 0; i < 10; i++) _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1, 3], at);
        Assert.False(loop.Running);
    }
}
