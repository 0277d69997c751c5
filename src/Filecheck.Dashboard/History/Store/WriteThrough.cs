using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>
/// The pages' writes to the history (a lookup's copy of the job, its audit line, a watched job's new state): the page
/// waits for one at most <see cref="HistoryOptions.WriteThroughBudget"/>, so it is never held behind a long write; a
/// write that takes longer finishes in the background, and one that fails is tried once more a second later. Nothing
/// is cancelled with the page: the copy is kept even when the person has moved on.
/// </summary>
public sealed class WriteThrough(IOptions<HistoryOptions> options, ILogger<WriteThrough> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Task, byte> _pending = new();
    private long _late;

    /// <summary>Writes still running after their page went on (what the tests wait for, and what the figures count).</summary>
    public int Pending => _pending.Count;

    /// <summary>How many writes outlasted the budget since the start.</summary>
    public long Late => Interlocked.Read(ref _late);

    public async Task RunAsync(string what, string jobId, Func<CancellationToken, Task> write, CancellationToken ct)
    {
        var task = Task.Run(() => WithRetryAsync(what, jobId, write), CancellationToken.None);
        _pending[task] = 0;
        _ = task.ContinueWith(t => _pending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            // Wall-clock time, whatever clock the history dates its rows with: this is how long a person waits.
            await task.WaitAsync(options.Value.WriteThroughBudget, ct);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _late);
            logger.LogInformation("Writing {What} of job {JobId} to the history takes longer than {Budget} ms; it finishes in the background",
                what, jobId, options.Value.WriteThroughBudget.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away; the write goes on.
        }
    }

    /// <summary>Completes when every write started so far has finished (or given up).</summary>
    public Task IdleAsync() => Task.WhenAll(_pending.Keys);

    private async Task WithRetryAsync(string what, string jobId, Func<CancellationToken, Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write(CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt == 1)
            {
                logger.LogWarning(e, "Writing {What} of job {JobId} to the history failed; trying once more", what, jobId);
                await Task.Delay(RetryAfter);
            }
            catch (Exception e)
            {
                // The history is a copy: the page already shows the job; the next lookup, poll or sync writes it again.
                logger.LogError(e, "Writing {What} of job {JobId} to the history failed twice; it is not kept this time", what, jobId);
                return;
            }
        }
    }
}
