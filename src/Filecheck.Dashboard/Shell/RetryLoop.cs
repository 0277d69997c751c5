namespace Filecheck.Dashboard.Shell;

/// <summary>What one attempt of a <see cref="RetryLoop"/> found: done, or not yet (with Filecheck's Retry-After, if it gave one).</summary>
public readonly record struct RetryAnswer(bool Done, TimeSpan? RetryAfter = null)
{
    public static RetryAnswer Succeeded => new(true);

    public static RetryAnswer NotYet(TimeSpan? retryAfter = null) => new(false, retryAfter);
}

/// <summary>
/// Tries again while something fails: after 1 s, then doubling to 30 s (or after Filecheck's Retry-After when that is
/// longer), one attempt at a time, on the page's clock. It stops when an attempt succeeds, on <see cref="Stop"/>, or when
/// disposed. A page that shows a failure uses it to recover by itself once Filecheck answers again, without a reload.
/// </summary>
public sealed class RetryLoop(TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private Func<CancellationToken, Task<RetryAnswer>>? _attempt;
    private CancellationTokenSource? _running;
    private ITimer? _timer;
    private TimeSpan _delay;
    private bool _disposed;

    /// <summary>True from <see cref="Start"/> until an attempt succeeds or the loop is stopped.</summary>
    public bool Running
    {
        get { lock (_gate) return _attempt is not null; }
    }

    /// <summary>Attempts made since the last <see cref="Start"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// Starts trying <paramref name="attempt"/> after the first delay, unless the loop is already running (the running one
    /// goes on). The attempt's token is cancelled by <see cref="Stop"/> and <see cref="Dispose"/>.
    /// </summary>
    public void Start(Func<CancellationToken, Task<RetryAnswer>> attempt, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            if (_disposed || _attempt is not null) return;
            _attempt = attempt;
            _running = new CancellationTokenSource();
            _delay = FirstDelay;
            Attempts = 0;
            ScheduleLocked(retryAfter);
        }
    }

    /// <summary>Stops trying (a page that loaded fresh, or gave up on this job); an attempt under way is cancelled.</summary>
    public void Stop()
    {
        lock (_gate) StopLocked();
    }

    private void StopLocked()
    {
        _attempt = null;
        _timer?.Dispose();
        _timer = null;
        _running?.Cancel();
        _running?.Dispose();
        _running = null;
    }

    private void ScheduleLocked(TimeSpan? retryAfter)
    {
        var wait = retryAfter is { } after && after > _delay ? after : _delay;
        _timer?.Dispose();
        _timer = clock.CreateTimer(_ => _ = RunAsync(), null, wait, Timeout.InfiniteTimeSpan);
    }

    private async Task RunAsync()
    {
        Func<CancellationToken, Task<RetryAnswer>>? attempt;
        CancellationToken ct;
        lock (_gate)
        {
            attempt = _attempt;
            if (attempt is null || _running is null) return;
            ct = _running.Token;
            Attempts++;
        }
        RetryAnswer answer;
        try
        {
            answer = await attempt(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An attempt that throws is one more failure: the page keeps showing what it shows and tries later.
            answer = RetryAnswer.NotYet();
        }
        lock (_gate)
        {
            // Stopped or restarted while the attempt ran: that loop decides now.
            if (!ReferenceEquals(_attempt, attempt) || ct.IsCancellationRequested) return;
            if (answer.Done)
            {
                StopLocked();
                return;
            }
            _delay = _delay * 2 > MaxDelay ? MaxDelay : _delay * 2;
            ScheduleLocked(answer.RetryAfter);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            StopLocked();
        }
    }
}
