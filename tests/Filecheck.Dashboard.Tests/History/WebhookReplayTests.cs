using System.Net;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// A signed webhook with <c>x-filecheck-timestamp</c> over real HTTP: accepted once while fresh, refused when stale or
/// replayed, and the timestamp counts only when the signature covers it.
/// </summary>
public sealed class WebhookReplayTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Post_TimestampedWebhookSentTwice_AcceptedOnce_TheReplayRefusedWithoutAnUpstreamCall()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var body = Webhooks.Completed(WellKnownJobs.Failing);
        var at = DateTimeOffset.UtcNow;

        using var first = await host.Http.SendAsync(Webhooks.Timestamped(body, at));
        sandbox.Server.Requests.Reset();
        using var replay = await host.Http.SendAsync(Webhooks.Timestamped(body, at));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Contains("already", await replay.Content.ReadAsStringAsync());
        Assert.Equal(0, sandbox.Server.Requests.Total);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public async Task Post_TimestampMoreThanFiveMinutesAway_RefusedAsStale_NothingStored(int seconds)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        sandbox.Server.Requests.Reset();

        using var response = await host.Http.SendAsync(Webhooks.Timestamped(Webhooks.Completed(WellKnownJobs.Failing), DateTimeOffset.UtcNow.AddSeconds(seconds)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("x-filecheck-timestamp", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(0, sandbox.Server.Requests.Total);
    }

    [Fact]
    public async Task Post_TimestampNotCoveredByTheSignature_Refused()
    {
        // A body-only signature captured earlier, with a fresh timestamp added by whoever replays it.
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);

        using var response = await host.Http.SendAsync(Webhooks.Timestamped(Webhooks.Completed(WellKnownJobs.Failing), DateTimeOffset.UtcNow, signTimestamp: false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task Post_TimestampThatIsNoNumber_Refused(string timestamp)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var request = Webhooks.Request(Webhooks.Completed(WellKnownJobs.Failing));
        request.Headers.Add(WebhookIntake.TimestampHeader, timestamp);

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
    }

    [Fact]
    public void Check_SeenListFull_PrunesWhatIsStaleAndRefusesRatherThanGrow()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));
        var guard = new WebhookReplayGuard(clock, capacity: 3);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(WebhookFreshness.Fresh, guard.Check(now, "a"));
        Assert.Equal(WebhookFreshness.Fresh, guard.Check(now, "b"));
        Assert.Equal(WebhookFreshness.Fresh, guard.Check(now, "c"));
        Assert.Equal(WebhookFreshness.Replayed, guard.Check(now, "a"));
        Assert.Equal(WebhookFreshness.Busy, guard.Check(now, "d"));
        Assert.Equal(3, guard.Count);

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        // What was seen is stale now, so it can go; a stale one is refused as such, never remembered.
        Assert.Equal(WebhookFreshness.Stale, guard.Check(now, "a"));
        Assert.Equal(WebhookFreshness.Fresh, guard.Check(clock.GetUtcNow().ToUnixTimeSeconds(), "d"));
        Assert.Equal(1, guard.Count);
    }
}
