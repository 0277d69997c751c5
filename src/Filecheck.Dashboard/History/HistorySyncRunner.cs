using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>What one sync run did.</summary>
/// <param name="Failure">Why the run stopped early (Filecheck down, rate limited, ...); null when it completed.</param>
public sealed record SyncRunResult(int Pages, int Listed, int Added, int DetailsFetched, int DetailsMissing, int Pruned, FilecheckFailure? Failure)
{
    public bool Completed => Failure is null;
}

/// <summary>
/// One sync run: pages <c>GET /jobs</c> newest first until it reaches what the store already holds (less an overlap
/// window), continues the first deep pass from its saved cursor, then fetches the details of terminal jobs that lack
/// steps and re-checks the jobs still running, with bounded concurrency inside a requests-per-minute budget.
/// Every page is stored together with the cursor that follows it, so a killed process resumes where it stopped.
/// </summary>
public sealed class HistorySyncRunner : IDisposable
{

    private readonly IServiceScopeFactory _scopes;
    // A client per run (runs never overlap): a typed HttpClient should not live as long as this singleton.
    private IFilecheckClient _client = default!;
    private readonly JobWriter _jobs;
    private readonly HistoryReads _reads;
    private readonly SyncStateStore _state;
    private readonly HistoryOptions _options;
    private readonly TimeProvider _clock;
    private readonly HistorySyncStatus _status;
    private readonly ILogger<HistorySyncRunner> _logger;
    private readonly IReadOnlyList<IAuditTable> _otherAudits;
    private readonly LookupAudit _audit;
    private readonly RateLimiter _budget;
    private readonly SemaphoreSlim _oneRun = new(1, 1);
    private readonly DashboardMetrics _metrics;

    public HistorySyncRunner(IServiceScopeFactory scopes, JobWriter jobs, HistoryReads reads, SyncStateStore state, IOptions<HistoryOptions> options, TimeProvider clock,
        HistorySyncStatus status, ILogger<HistorySyncRunner> logger, LookupAudit audit, IEnumerable<IAuditTable> otherAudits, DashboardMetrics metrics)
    {
        _metrics = metrics;
        _audit = audit;
        _otherAudits = [.. otherAudits];
        _scopes = scopes;
        _jobs = jobs;
        _reads = reads;
        _state = state;
        _options = options.Value;
        _clock = clock;
        _status = status;
        _logger = logger;
        _budget = CreateBudget(_options.Sync.RequestsPerMinute);
    }

    /// <summary>A token bucket refilled every second (or every 60/rpm seconds below one a second).</summary>
    internal static RateLimiter CreateBudget(int requestsPerMinute)
    {
        var perSecond = requestsPerMinute >= 60;
        var tokens = perSecond ? (int)Math.Ceiling(requestsPerMinute / 60.0) : 1;
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = perSecond ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / requestsPerMinute),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public async Task<SyncRunResult> RunOnceAsync(CancellationToken ct = default)
    {
        await _oneRun.WaitAsync(ct);
        try
        {
            using var scope = _scopes.CreateScope();
            // The background client: its own pipeline and breaker, so a throttled sync never locks staff out.
            _client = scope.ServiceProvider.GetRequiredKeyedService<IFilecheckClient>(FilecheckServiceCollectionExtensions.BackgroundClientName);
            return await RunAsync(ct);
        }
        finally
        {
            _oneRun.Release();
        }
    }

    private async Task<SyncRunResult> RunAsync(CancellationToken ct)
    {
        var started = _clock.GetUtcNow();
        _status.Begin(started);
        var run = new Counters();
        FilecheckFailure? failure;
        try
        {
            await _state.UpdateAsync(s => s.LastRunStartedAt = started, ct);
            failure = await SyncListAsync(run, ct) ?? await FetchDetailsAsync(run, ct);
            if (failure is null) run.Pruned = await PruneAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the admin page must not show a run that never ends.
            _status.End(_clock.GetUtcNow(), new SyncRunResult(run.Pages, run.Listed, run.Added, run.Details, run.Missing, run.Pruned,
                new FilecheckFailure(FilecheckFailureKind.Unavailable, "The sync was stopped")));
            throw;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "History sync run failed");
            failure = new FilecheckFailure(FilecheckFailureKind.Unavailable, "The sync failed: " + e.GetType().Name);
        }

        var ended = _clock.GetUtcNow();
        var result = new SyncRunResult(run.Pages, run.Listed, run.Added, run.Details, run.Missing, run.Pruned, failure);
        try
        {
            await _state.UpdateAsync(s =>
            {
                s.LastRunEndedAt = ended;
                if (failure is null)
                {
                    s.LastSuccessAt = ended;
                    _metrics.SyncSucceeded(ended);
                    s.ConsecutiveFailures = 0;
                }
                else
                {
                    s.LastError = $"{failure.Kind}: {failure.Message}";
                    s.LastErrorAt = ended;
                    s.ConsecutiveFailures++;
                }
            }, CancellationToken.None);
        }
        finally
        {
            _status.End(ended, result);
        }
        if (failure is not null) _logger.LogWarning("History sync stopped early: {Kind} {Message}", failure.Kind, failure.Message);
        return result;
    }

    // ---- the job list -----------------------------------------------------------------------------------------------

    private async Task<FilecheckFailure?> SyncListAsync(Counters run, CancellationToken ct)
    {
        var state = await _state.GetAsync(ct);
        var mark = state.HeadMark;
        if (mark is { } held)
        {
            _status.Phase = "Checking the newest jobs";
            var failure = await HeadPassAsync(held, run, ct);
            if (failure is not null) return failure;
        }
        if (mark is null || !state.BackfillDone)
        {
            _status.Phase = "Reading the job history";
            return await DeepPassAsync(mark is null ? null : state.BackfillNextKey, firstPass: mark is null, run, ct);
        }
        return null;
    }

    /// <summary>From the newest job down to what the store held (less the overlap); the mark moves only when the pass completes.</summary>
    private async Task<FilecheckFailure?> HeadPassAsync(DateTimeOffset mark, Counters run, CancellationToken ct)
    {
        var stopBelow = mark - _options.Sync.Overlap;
        var newest = mark;
        string? nextKey = null;
        while (true)
        {
            var result = await ListAsync(nextKey, ct);
            if (!result.IsSuccess) return result.Failure;
            var page = result.Value;
            await SaveAsync(page, run, null, ct);
            newest = Max(newest, NewestIn(page));
            if (page.NextKey is null || page.Jobs.Count == 0 || page.Jobs.Any(j => j.CreatedAt < stopBelow)) break;
            nextKey = page.NextKey;
        }
        await _state.UpdateAsync(s => s.HeadMark = Max(s.HeadMark ?? newest, newest), ct);
        return null;
    }

    /// <summary>The first pass over the whole history, resumable: each page is stored with the cursor after it.</summary>
    private async Task<FilecheckFailure?> DeepPassAsync(string? nextKey, bool firstPass, Counters run, CancellationToken ct)
    {
        var retriedFromTop = false;
        while (true)
        {
            var result = await ListAsync(nextKey, ct);
            if (!result.IsSuccess)
            {
                if (result.Failure.Kind == FilecheckFailureKind.InvalidRequest && nextKey is not null && !retriedFromTop)
                {
                    // The saved cursor is no longer accepted: start over from the top (upserts are idempotent).
                    _logger.LogWarning("Filecheck refused the saved sync cursor; reading the history again from the newest job");
                    retriedFromTop = true;
                    nextKey = null;
                    continue;
                }
                return result.Failure;
            }
            var page = result.Value;
            var newest = NewestIn(page);
            await SaveAsync(page, run, s =>
            {
                s.BackfillNextKey = page.NextKey;
                if (firstPass && newest is { } n) s.HeadMark = Max(s.HeadMark ?? n, n);
                if (page.NextKey is null) s.BackfillDone = true;
            }, ct);
            if (page.NextKey is null || page.Jobs.Count == 0) return null;
            nextKey = page.NextKey;
        }
    }

    private async Task<FilecheckResult<JobListPage>> ListAsync(string? nextKey, CancellationToken ct)
    {
        using var lease = await _budget.AcquireAsync(1, ct);
        return await _client.ListJobsAsync(_options.Sync.PageSize, nextKey, ct);
    }

    private async Task SaveAsync(JobListPage page, Counters run, Action<SyncStateRecord>? state, CancellationToken ct)
    {
        var write = await _jobs.SaveListPageAsync(page.Jobs, state, ct);
        run.Pages++;
        run.Listed += page.Jobs.Count;
        run.Added += write.Added;
        _status.Listed = run.Listed;
        _status.Pages = run.Pages;
        _status.OnPageStored();
    }

    // ---- details ----------------------------------------------------------------------------------------------------

    private async Task<FilecheckFailure?> FetchDetailsAsync(Counters run, CancellationToken ct)
    {
        var o = _options.Sync;
        if (o.MaxDetailsPerRun == 0) return null;
        var ids = await _reads.PendingDetailsAsync(o.MaxDetailsPerRun, _clock.GetUtcNow() - o.Interval, ct);
        _status.Phase = "Fetching job details";
        _status.DetailsTarget = ids.Count;
        // A batch is saved while the next one is fetched: the API and the store work at the same time.
        Task saving = Task.CompletedTask;
        foreach (var chunk in ids.Chunk(o.DetailBatch))
        {
            var fetched = new ConcurrentBag<Job>();
            FilecheckFailure? stop = null;
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = o.DetailConcurrency, CancellationToken = abort.Token },
                    async (id, token) =>
                    {
                        if (!JobId.TryParse(id, out var jobId, out _)) return;
                        using var lease = await _budget.AcquireAsync(1, token);
                        var result = await _client.GetJobAsync(jobId, token);
                        if (result.IsSuccess)
                        {
                            fetched.Add(result.Value);
                        }
                        else if (result.Failure.Kind == FilecheckFailureKind.NotFound)
                        {
                            Interlocked.Increment(ref run.Missing);
                        }
                        else
                        {
                            // Down, rate limited or refusing the key: stop asking, keep what came back, back off.
                            Interlocked.CompareExchange(ref stop, result.Failure, null);
                            await abort.CancelAsync();
                        }
                    });
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await saving;
            saving = fetched.IsEmpty ? Task.CompletedTask : SaveDetailsAsync(fetched.ToArray(), run, ct);
            if (stop is not null)
            {
                await saving;
                return stop;
            }
        }
        await saving;
        return null;
    }

    private async Task SaveDetailsAsync(Job[] fetched, Counters run, CancellationToken ct)
    {
        await _jobs.SaveJobsAsync(fetched, HistorySource.Details, ct);
        run.Details += fetched.Length;
        _status.Details = run.Details;
    }

    private async Task<int> PruneAsync(CancellationToken ct)
    {
        if (_options.Retention.StepDetailsAge is not { } age)
        {
            await PruneAuditAsync(ct);
            return 0;
        }
        _status.Phase = "Pruning old step details";
        var before = _clock.GetUtcNow() - age;
        var total = 0;
        int pruned;
        do
        {
            pruned = await _jobs.PruneStepDetailsAsync(before, ct: ct);
            total += pruned;
        } while (pruned > 0);
        await PruneAuditAsync(ct);
        return total;
    }

    /// <summary>The audit's own retention (<c>History:Retention:AuditAge</c>), in the same pass as the step details'.</summary>
    private async Task PruneAuditAsync(CancellationToken ct)
    {
        if (_options.Retention.AuditAge is not { } age) return;
        _status.Phase = "Pruning old audit rows";
        var before = _clock.GetUtcNow() - age;
        var total = 0;
        int pruned;
        do
        {
            pruned = await _audit.PruneAsync(before, ct: ct);
            total += pruned;
        } while (pruned > 0);
        // Other features' audits (the share links') go by the same setting, in the same pass.
        foreach (var table in _otherAudits)
        {
            do
            {
                pruned = await table.PruneAsync(before, 5000, ct);
                total += pruned;
            } while (pruned > 0);
        }
        if (total > 0) _logger.LogInformation("Removed {Count} audit rows older than {Before}", total, before);
    }

    private static DateTimeOffset? NewestIn(JobListPage page) =>
        page.Jobs.Select(j => j.CreatedAt).Where(c => c is not null).Max();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } x && x > a ? x : a;

    private sealed class Counters
    {
        public int Pages;
        public int Listed;
        public int Added;
        public int Details;
        public int Missing;
        public int Pruned;
    }

    public void Dispose()
    {
        _budget.Dispose();
        _oneRun.Dispose();
    }
}

/// <summary>The sync's live progress for the admin page (the durable part lives in the store).</summary>
public sealed class HistorySyncStatus
{
    public bool Running { get; private set; }
    public string Phase { get; set; } = "Idle";
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public int Pages { get; set; }
    public int Listed { get; set; }
    public int Details { get; set; }
    public int DetailsTarget { get; set; }
    public SyncRunResult? LastResult { get; private set; }
    /// <summary>When the next run starts (after the interval, or a back-off while Filecheck is down).</summary>
    public DateTimeOffset? NextRunAt { get; set; }

    /// <summary>Raised after each page of the job list is stored (with its cursor).</summary>
    public event Action<int>? PageStored;

    internal void OnPageStored() => PageStored?.Invoke(Pages);

    internal void Begin(DateTimeOffset at)
    {
        Running = true;
        StartedAt = at;
        Phase = "Starting";
        Pages = Listed = Details = DetailsTarget = 0;
    }

    internal void End(DateTimeOffset at, SyncRunResult result)
    {
        Running = false;
        EndedAt = at;
        LastResult = result;
        Phase = result.Completed ? "Idle" : "Waiting: Filecheck failed";
    }
}
