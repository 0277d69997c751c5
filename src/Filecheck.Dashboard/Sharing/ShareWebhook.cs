using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Posts each decision as JSON to <c>Sharing:Notify:WebhookUrl</c> from a background queue, with retries and back-off,
/// so a slow or broken chat never holds up the customer's request. Every instance hears every decision (the bus); only the
/// holder of the <see cref="LeaseName"/> lease posts, so a chat gets each decision once.
/// </summary>
public sealed class ShareWebhook : BackgroundService
{
    public const string Client = "sharing-webhook";
    public const string LeaseName = "share-webhook";
    private readonly Channel<ShareDecisionEvent> _queue = Channel.CreateBounded<ShareDecisionEvent>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly IHttpClientFactory _http;
    private readonly IOptions<SharingOptions> _options;
    private readonly ILogger<ShareWebhook> _logger;
    private readonly IDisposable? _subscription;
    private readonly Data.LeaseKeeper _leases;

    public ShareWebhook(ShareNotifier notifier, IHttpClientFactory http, IOptions<SharingOptions> options, ILogger<ShareWebhook> logger, Data.LeaseKeeper leases)
    {
        _leases = leases;
        _http = http;
        _options = options;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(options.Value.Notify.WebhookUrl)) _subscription = notifier.Subscribe(d => _queue.Writer.TryWrite(d));
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
            Data.HeldLease? held;
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
                // The holder posts these; drop them here and try again for the lease a renewal later.
                while (_queue.Reader.TryRead(out _)) { }
                await Task.Delay(_leases.RenewEvery, stoppingToken);
                continue;
            }
            using var whileHeld = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.Lost);
            try
            {
                await PostAllAsync(url, whileHeld.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Lost the lease: another instance posts from now on.
            }
        }
    }

    private async Task PostAllAsync(Uri url, CancellationToken stoppingToken)
    {
        await foreach (var decision in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var delay = TimeSpan.FromSeconds(1);
            for (var attempt = 1; attempt <= _options.Value.Notify.MaxAttempts; attempt++)
            {
                try
                {
                    using var response = await _http.CreateClient(Client).PostAsJsonAsync(url, Body(decision), stoppingToken);
                    if (response.IsSuccessStatusCode) break;
                    _logger.LogWarning("The decision webhook answered {Status} (attempt {Attempt})", (int)response.StatusCode, attempt);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    _logger.LogWarning("The decision webhook failed: {Message} (attempt {Attempt})", e.Message, attempt);
                }
                if (attempt == _options.Value.Notify.MaxAttempts)
                {
                    _logger.LogError("Gave up posting the decision on share {ShareId} to the webhook", decision.ShareId);
                    break;
                }
                await Task.Delay(delay, stoppingToken);
                delay *= 2;
            }
        }
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }
}
