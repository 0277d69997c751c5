using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Filecheck.Sandbox.Generation;

namespace Filecheck.Sandbox;

/// <summary>
/// POSTs <c>job.created</c> when a job arrives and <c>job.completed</c> when a running job reaches a terminal status.
/// It wakes on the options' clock (so a fake clock drives it) and decides from the clock, never from timers of its own.
/// </summary>
internal sealed class WebhookSender(SandboxOptions options, SandboxStore store, JobRenderer renderer, ILogger logger)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    // Judged at the store's start instant, not when the loop first runs: the clock may already have moved on.
    private readonly List<JobPlan> _watch = store.RunningAtStart().Where(p => !JobRenderer.StateOf(p, store.Start).Terminal).ToList();
    private long _nextArrival = 1;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), options.Clock, ct);
                await TickAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook tick failed");
            }
        }
        _http.Dispose();
    }

    internal async Task TickAsync(CancellationToken ct)
    {
        var now = options.Clock.GetUtcNow();
        var arrived = store.ArrivalCount(now);
        if (arrived - _nextArrival >= 100) _nextArrival = arrived - 99; // after a big clock jump, only the latest
        for (; _nextArrival <= arrived; _nextArrival++)
        {
            var plan = store.ArrivalPlan(_nextArrival);
            await SendAsync(JobRenderer.CreatedWebhook(plan), ct);
            _watch.Add(plan);
        }
        while (store.NewlyCreated.TryDequeue(out var created))
        {
            await SendAsync(JobRenderer.CreatedWebhook(created), ct);
            _watch.Add(created);
        }
        foreach (var plan in _watch.ToArray())
        {
            if (!JobRenderer.StateOf(plan, now).Terminal) continue;
            _watch.Remove(plan);
            await SendAsync(renderer.CompletedWebhook(plan, now), ct);
        }
    }

    private async Task SendAsync(JsonObject body, CancellationToken ct)
    {
        var raw = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, options.WebhookUrl) { Content = new ByteArrayContent(raw) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in options.WebhookHeaders)
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
        if (!string.IsNullOrEmpty(options.WebhookSigningSecret))
        {
            // The wall clock, not the simulated one: the receiver compares it with its own to refuse stale copies.
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation("x-filecheck-timestamp", timestamp);
            request.Headers.TryAddWithoutValidation("x-filecheck-signature",
                Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.WebhookSigningSecret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. raw])));
        }
        try
        {
            using var response = await _http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("Webhook to {Url} answered {Status}", options.WebhookUrl, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Webhook to {Url} failed: {Message}", options.WebhookUrl, e.Message);
        }
    }
}
