using Filecheck.Testing;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Filecheck.Dashboard.Sharing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Sharing;

public sealed class NotifyTests
{
    [Fact]
    public async Task Decide_WithAWebhook_PostsJsonInTheBackgroundAndRetries_WithoutHoldingUpTheCustomer()
    {
        var release = new TaskCompletionSource();
        var bodies = new ConcurrentQueue<JsonNode>();
        var delivered = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        await using var receiver = LoopbackApp.Create();
        receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!;
            bodies.Enqueue(body);
            // The first attempt hangs, then fails: the decision must be recorded long before.
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await release.Task;
                return Results.StatusCode(500);
            }
            delivered.TrySetResult(body);
            return Results.Ok();
        });
        var hook = new Uri(await receiver.ListenAsync(), "hook").ToString();

        await using var app = new SharingApp(new() { ["Sharing:Notify:WebhookUrl"] = hook });
        var share = await app.ShareAsync();
        var heard = new ConcurrentQueue<ShareDecisionEvent>();
        using var subscription = app.Services.GetRequiredService<ShareNotifier>().Subscribe(heard.Enqueue);

        var result = await app.Shares.DecideAsync(share.Token, 2, ShareDecisions.ChangesRequested, "Ada Customer", "More bleed, please");

        Assert.Equal(DecisionOutcome.Recorded, result.Outcome);
        Assert.Single(heard);
        release.SetResult();
        var body = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, attempts);
        Assert.Equal("share.decision", body["event"]!.GetValue<string>());
        Assert.Equal(ShareDecisions.ChangesRequested, body["decision"]!.GetValue<string>());
        Assert.Equal("Ada Customer", body["name"]!.GetValue<string>());
        Assert.Equal("More bleed, please", body["note"]!.GetValue<string>());
        Assert.Equal(Filecheck.Sandbox.WellKnownJobs.Warning, body["jobId"]!.GetValue<string>());
        Assert.Contains("asked for changes", body["text"]!.GetValue<string>());
    }
}

public sealed class OrderShareTests
{
    [Fact]
    public void OrderOf_EveryHitOfTheQueriedOrder_IsThatOrder() =>
        Assert.Equal("order_1", OrderShare.OrderOf(" ORDER_1 ", [("job_a", "order_1"), ("job_b", "order_1")], total: 2));

    [Theory]
    [InlineData("order_1", "order_1", "order_2", 2)]
    [InlineData("ada@example.com", "order_1", "order_1", 2)]
    [InlineData("order_1", "order_1", "order_1", 30)]
    public void OrderOf_MixedOrdersAnotherQueryOrMorePages_IsNull(string query, string first, string second, int total) =>
        Assert.Null(OrderShare.OrderOf(query, [("job_a", first), ("job_b", second)], total));
}
