using System.Net.Http.Json;
using System.Threading.Channels;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Posts each decision as JSON to <c>Sharing:Notify:WebhookUrl</c> in the background, with retries and back-off, so a
/// slow or broken chat never holds up the customer's request. What is to be posted is the store's outbox
/// (<see cref="ShareWebhookDelivery"/>, written in the decision's transaction), not a process's queue: only the holder of
/// the <see cref="LeaseName"/> lease posts, and when it dies the next holder sends what it left. At least once: a holder
/// killed between a post and its delete has that decision posted again by the next.
/// </summary>
public sealed class ShareWebhook : BackgroundService
{
    public const string Client = "sharing-webhook";
    public const string LeaseName = "share-webhook";
    private const int Batch = 20;
    // A decision heard (here or on the bus) wakes the holder at once; otherwise it looks again each renewal.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IHttpClientFactory _http;
    private readonly IOptions<SharingOptions> _options;
    private readonly ILogger<ShareWebhook> _logger;
    private readonly IDisposable? _subscription;
    private readonly LeaseKeeper _leases;
    private readonly IDbContextFactory<DashboardDbContext> _factory;
    private readonly TimeProvider _clock;

    public ShareWebhook(ShareNotifier notifier, IHttpClientFactory http, IOptions<SharingOptions> options, ILogger<ShareWebhook> logger, LeaseKeeper leases,
        IDbContextFactory<DashboardDbContext> factory, TimeProvider clock)
    {
        _leases = leases;
        _http = http;
        _options = options;
        _logger = logger;
        _factory = factory;
        _clock = clock;
        if (!string.IsNullOrWhiteSpace(options.Value.Notify.WebhookUrl)) _subscription = notifier.Subscribe(_ => _wake.Writer.TryWrite(true));
    }

    /// <summary>The body a chat receives: what was decided, on which file, by whom, and a line to show.</summary>
    public static object Body(ShareDecisionEvent d) => new
    {
        @event = "share.decision",
        shareId = d.ShareId,
        jobId = d.JobId,
        taskId = d.TaskId,
        file = d.FileName,
        decision = d.Decision,
        name = d.Name,
        note = d.Note,
        at = d.At,
        sharedBy = d.CreatedBy,
        text = $"{d.Name} {(d.Decision == ShareDecisions.Approved ? "approved" : "asked for changes to")} {d.FileName ?? d.TaskId} (job {d.JobId})"
            + (d.Note is { } note ? $": {note}" : ""),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscription is null) return;
        var url = new Uri(_options.Value.Notify.WebhookUrl!);
        while (!stoppingToken.IsCancellationRequested)
        {
            HeldLease? held;
            try
            {
                held = await _leases.TryHoldAsync(LeaseName, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Could not take the lease {Lease}", LeaseName);
                held = null;
            }
            await using var lease = held;
            if (held is null)
            {
                // The holder posts; the outbox keeps what it has not, for whoever holds the lease next.
                await Task.Delay(_leases.RenewEvery, stoppingToken);
                continue;
            }
            using var whileHeld = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.Lost);
            try
            {
                while (true)
                {
                    var next = await PostDueAsync(url, whileHeld.Token);
                    await WaitAsync(next is { } due && due < _leases.RenewEvery ? due : _leases.RenewEvery, whileHeld.Token);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Lost the lease: another instance posts from now on.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Could not read the decision webhook's outbox");
                await Task.Delay(_leases.RenewEvery, stoppingToken);
            }
        }
    }

    /// <summary>Posts every delivery that is due, once each; the time until the next one falls due (null: none waits).</summary>
    private async Task<TimeSpan?> PostDueAsync(Uri url, CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var due = await db.ShareWebhookOutbox.AsNoTracking().Where(d => d.NextAttemptAt <= now).OrderBy(d => d.Id).Take(Batch).ToListAsync(ct);
        foreach (var delivery in due)
        {
            var decision = await ShareBusRelay.ReadDecisionAsync(db, delivery.ShareId, delivery.Position, delivery.Round, ct);
            var attempt = delivery.Attempts + 1;
            // A decision whose share was deleted meanwhile has nothing left to say.
            if (decision is null || await PostAsync(url, decision, attempt, ct))
            {
                await db.ShareWebhookOutbox.Where(d => d.Id == delivery.Id).ExecuteDeleteAsync(ct);
            }
            else if (attempt >= _options.Value.Notify.MaxAttempts)
            {
                _logger.LogError("Gave up posting the decision on share {ShareId} to the webhook", delivery.ShareId);
                await db.ShareWebhookOutbox.Where(d => d.Id == delivery.Id).ExecuteDeleteAsync(ct);
            }
            else
            {
                // 1 s, 2 s, 4 s, ... after each failure, counted from now.
                var retryAt = _clock.GetUtcNow().ToUnixTimeMilliseconds() + 1000L * (1L << Math.Min(delivery.Attempts, 10));
                await db.ShareWebhookOutbox.Where(d => d.Id == delivery.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(d => d.Attempts, attempt).SetProperty(d => d.NextAttemptAt, retryAt), ct);
            }
        }
        if (due.Count == Batch) return TimeSpan.Zero;
        var next = await db.ShareWebhookOutbox.AsNoTracking().OrderBy(d => d.NextAttemptAt).Select(d => (long?)d.NextAttemptAt).FirstOrDefaultAsync(ct);
        return next is { } at ? TimeSpan.FromMilliseconds(Math.Max(0, at - _clock.GetUtcNow().ToUnixTimeMilliseconds())) : null;
    }

    private async Task<bool> PostAsync(Uri url, ShareDecisionEvent decision, int attempt, CancellationToken ct)
    {
        try
        {
            using var response = await _http.CreateClient(Client).PostAsJsonAsync(url, Body(decision), ct);
            if (response.IsSuccessStatusCode) return true;
            _logger.LogWarning("The decision webhook answered {Status} (attempt {Attempt})", (int)response.StatusCode, attempt);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _logger.LogWarning("The decision webhook failed: {Message} (attempt {Attempt})", e.Message, attempt);
        }
        return false;
    }

    /// <summary>Until a decision is heard or <paramref name="delay"/> has passed.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(delay);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        while (_wake.Reader.TryRead(out _)) { }
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }
}
