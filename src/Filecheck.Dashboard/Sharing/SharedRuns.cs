using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>A shared job's runs for the public routes, or why there are none: Filecheck's failure, or the share budget spent.</summary>
public sealed record SharedRunsResult(RunsResponse? Runs, FilecheckFailure? Failure, bool BudgetSpent)
{
    public static readonly SharedRunsResult Spent = new(null, null, BudgetSpent: true);

    public bool IsSuccess => Runs is not null;
}

/// <summary>
/// One in-memory copy of each shared job's runs, for every viewer of every share: fetched once (concurrent viewers wait
/// for the same call), kept for <see cref="Life"/>, far inside the hour its presigned URLs live, and never written to disk.
/// Each call it makes is counted against <c>Sharing:UpstreamCallsPerMinute</c> for all links together and goes through
/// the public Filecheck pipeline, whose breaker is not the one staff use. Failures are not kept: the next viewer asks again.
/// </summary>
public sealed class SharedRuns : IDisposable
{
    public static readonly TimeSpan Life = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Copy> _copies = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly FixedWindowRateLimiter _budget;
    private long _lastSweep;
    private long _calls;

    public SharedRuns(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SharingOptions> options)
    {
        _scopes = scopes;
        _clock = clock;
        _budget = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.UpstreamCallsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>Calls to Filecheck made for shares since the start (for the figures and the logs).</summary>
    public long UpstreamCalls => Interlocked.Read(ref _calls);

    private sealed class Copy(DateTimeOffset fetchedAt, Func<Task<SharedRunsResult>> fetch)
    {
        private readonly Lazy<Task<SharedRunsResult>> _task = new(fetch);
        public DateTimeOffset FetchedAt { get; } = fetchedAt;
        public Task<SharedRunsResult> Task => _task.Value;
    }

    public Task<SharedRunsResult> GetAsync(JobId id, CancellationToken ct) => GetAsync(id, replacing: null, ct);

    /// <summary>
    /// After a URL of <paramref name="seen"/> failed (an expired signature): a new copy, unless another viewer already
    /// replaced it, in which case theirs. One refetch per copy, however many viewers saw it fail.
    /// </summary>
    public Task<SharedRunsResult> RefreshAsync(JobId id, RunsResponse seen, CancellationToken ct) => GetAsync(id, seen, ct);

    private async Task<SharedRunsResult> GetAsync(JobId id, RunsResponse? replacing, CancellationToken ct)
    {
        var key = id.Value;
        while (true)
        {
            _copies.TryGetValue(key, out var current);
            if (current is not null && !IsSpent(current, replacing))
            {
                return await current.Task.WaitAsync(ct);
            }
            // The fetch belongs to no viewer: one leaving does not cancel it for the others (the pipeline's timeout bounds it).
            var next = new Copy(_clock.GetUtcNow(), () => FetchAsync(id));
            var won = current is null ? _copies.TryAdd(key, next) : _copies.TryUpdate(key, next, current);
            if (!won) continue;
            Sweep();
            var result = await next.Task.WaitAsync(ct);
            // Only a copy is kept: a failure or a spent budget is asked again by the next viewer.
            if (!result.IsSuccess) _copies.TryRemove(new KeyValuePair<string, Copy>(key, next));
            return result;
        }
    }

    private bool IsSpent(Copy copy, RunsResponse? replacing)
    {
        if (!copy.Task.IsCompleted) return false;
        if (!copy.Task.IsCompletedSuccessfully || copy.Task.Result is not { IsSuccess: true } done) return true;
        if (replacing is not null && ReferenceEquals(done.Runs, replacing)) return true;
        return _clock.GetUtcNow() - copy.FetchedAt >= Life;
    }

    private async Task<SharedRunsResult> FetchAsync(JobId id)
    {
        using var lease = _budget.AttemptAcquire();
        if (!lease.IsAcquired) return SharedRunsResult.Spent;
        Interlocked.Increment(ref _calls);
        using var scope = _scopes.CreateScope();
        var client = scope.ServiceProvider.GetRequiredKeyedService<IFilecheckClient>(FilecheckServiceCollectionExtensions.PublicClientName);
        var result = await client.GetRunsAsync(id, CancellationToken.None);
        return result.IsSuccess ? new SharedRunsResult(result.Value, null, false) : new SharedRunsResult(null, result.Failure, false);
    }

    /// <summary>Drops copies past their life, at most once a minute: memory holds what the budget let in for a few minutes.</summary>
    private void Sweep()
    {
        var now = _clock.GetUtcNow();
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last) return;
        foreach (var (key, copy) in _copies)
        {
            if (copy.Task.IsCompleted && now - copy.FetchedAt >= Life) _copies.TryRemove(new KeyValuePair<string, Copy>(key, copy));
        }
    }

    /// <summary>Drops every copy (tests that switch faults on between views start each without one).</summary>
    public void Clear() => _copies.Clear();

    public void Dispose() => _budget.Dispose();
}
