using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Filecheck.EndToEnd.Tests.Instances;

/// <summary>
/// Three dashboards on one PostgreSQL act as one: the sync runs on the lease holder only, a SIGKILLed holder is replaced
/// within one lease period without losing a job, and a sign-out on one instance closes pages open on another at once.
/// Each test holds with any two of the three instances alive (one test kills one), so their order does not matter.
/// </summary>
public sealed class SeveralInstancesTests(ThreeInstances instances, ITestOutputHelper output) : IClassFixture<ThreeInstances>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sync_ThreeInstancesOnOneStore_OnlyTheLeaseHolderListsJobs()
    {
        await FirstSyncAsync();
        var before = await instances.LeaseAsync("sync");
        await instances.ResetRequestsAsync();

        // A measuring window, not a wait for something: every instance would run a head pass per interval if each synced.
        var window = TimeSpan.FromSeconds(8);
        await Task.Delay(window);
        var lists = await instances.RequestsAsync("/jobs");
        output.WriteLine($"GET /jobs in {window.TotalSeconds:0} s with three instances: {lists}");

        Assert.Equal(before, await instances.LeaseAsync("sync"));
        // One page per head pass (nothing new arrives), at most one pass per interval, on one instance.
        var oneInstance = (int)(window / ThreeInstances.SyncInterval) + 1;
        Assert.InRange(lists, 1, oneInstance);
    }

    [Fact]
    public async Task Sync_HolderKilled_AnotherInstanceTakesOverWithinOneLeasePeriod()
    {
        await FirstSyncAsync();
        var (holder, token) = (await instances.LeaseAsync("sync"))!.Value;
        var jobs = await instances.ScalarAsync<long>("""SELECT count(*) FROM "Jobs" """);

        var watch = Stopwatch.StartNew();
        await instances.Dashboards[holder].KillAsync();
        await Until.TrueAsync(async () => (await instances.LeaseAsync("sync"))?.Holder is { } now && now != holder,
            Patience, "another instance to take the sync over");
        var takeOver = watch.Elapsed;
        output.WriteLine($"sync taken over {takeOver.TotalSeconds:0.0} s after the SIGKILL");
        var killedAt = DateTimeOffset.UtcNow - takeOver;

        var (successor, successorToken) = (await instances.LeaseAsync("sync"))!.Value;
        Assert.NotEqual(holder, successor);
        Assert.True(successorToken > token, $"token {token} then {successorToken}");
        // The lease expires at most one expiry after the last heartbeat; a waiting instance tries every third of it.
        var bound = ThreeInstances.LeaseExpiry + ThreeInstances.LeaseExpiry / 3 + TimeSpan.FromSeconds(1);
        Assert.True(takeOver <= bound, $"took over after {takeOver.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0.0} s)");

        // The successor's run completes, and every job the sandbox has is in the store once (IDs are the keys).
        await Until.TrueAsync(async () => await instances.ScalarAsync<long>("""SELECT coalesce(max("LastSuccessAt"), 0) FROM "SyncState" """)
            > killedAt.ToUnixTimeMilliseconds(), Patience, "a sync run completed by the successor");
        var sandboxJobs = JsonNode.Parse(await instances.Sandbox.GetStringAsync("_sandbox"))!["jobCount"]!.GetValue<int>();
        var stored = await instances.ScalarAsync<long>("""SELECT count(*) FROM "Jobs" """);
        Assert.True(stored >= jobs, $"{jobs} jobs before the kill, {stored} after");
        Assert.Equal(sandboxJobs, stored);
    }

    [Fact]
    public async Task Session_SignedInThroughOne_WorksOnAnother_AndSignOutClosesOpenPagesAtOnce()
    {
        await FirstSyncAsync();
        var alive = instances.Alive.Select(d => d.Value.BaseAddress).ToList();
        Assert.True(alive.Count >= 2, "two instances alive");
        await using var browser = await Browser.LaunchAsync();

        var first = await browser.Context.NewPageAsync();
        await first.SignInAsync(alive[0], "admin", "/admin/sync");
        await first.WaitForCircuitAsync();

        // The same cookie on another instance (same host, another port): one key ring and one session row in the store.
        var second = await browser.Context.NewPageAsync();
        await second.GotoAsync(new Uri(alive[1], "/admin/sync").ToString());
        await second.WaitForCircuitAsync();
        Assert.DoesNotContain("/account/signin", second.Url, StringComparison.Ordinal);
        var holder = (await instances.LeaseAsync("sync"))!.Value.Holder;
        await Expect(second.GetByTestId("sync-holder")).ToContainTextAsync(holder);

        // Signed out on the first: the page open on the second is signed out by the bus, long before its 5-minute revalidation.
        await first.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await second.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal), new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task Nginx_InFrontOfThree_SignInAndALivePageWorkThroughIt()
    {
        await FirstSyncAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();

        // Through the documented configuration: the sign-in form's post, the cookie, and the circuit's WebSocket upgrade.
        Assert.True(instances.NginxLog.StartsWith("nginx exited: False", StringComparison.Ordinal), instances.NginxLog);
        try
        {
            await page.SignInAsync(instances.Nginx, "admin", "/admin/sync");
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException(instances.NginxLog, e);
        }
        await page.WaitForCircuitAsync();
        var holder = (await instances.LeaseAsync("sync"))!.Value.Holder;
        await Expect(page.GetByTestId("sync-holder")).ToContainTextAsync(holder);
        Assert.StartsWith(instances.Nginx.ToString(), page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Share_MadeOnOne_DecidedOnAnother_AppearsLiveOnAJobPageOpenOnAThird()
    {
        await FirstSyncAsync();
        var alive = instances.Alive.Select(d => d.Value.BaseAddress).ToList();
        Assert.True(alive.Count >= 3, "three instances alive");
        var (made, decided, watching) = (alive[0], alive[1], alive[2]);
        await using var browser = await Browser.LaunchAsync();
        var staff = await browser.Context.NewPageAsync();
        await staff.SignInAsync(made, "cs", "/jobs/" + Filecheck.Sandbox.WellKnownJobs.Warning);
        await staff.WaitForCircuitAsync();
        var link = new Uri(await Sharing.ShareJourneyTests.CreateShareAsync(staff));

        // Customer success watches the job page through the third instance (same cookie: one key ring, one session row).
        var job = await browser.Context.NewPageAsync();
        await job.GotoAsync(new Uri(watching, "/jobs/" + Filecheck.Sandbox.WellKnownJobs.Warning).ToString());
        await job.WaitForCircuitAsync();
        await Expect(job.GetByTestId("proof-approvals")).ToBeVisibleAsync();

        // The customer, in a browser of their own, opens the link through the second instance and approves the first file.
        await using var customerBrowser = await Browser.LaunchAsync();
        var customer = await customerBrowser.Context.NewPageAsync();
        var opened = await customer.GotoAsync(new Uri(decided, link.PathAndQuery).ToString());
        Assert.Equal(200, opened!.Status);
        var file = customer.Locator("[data-testid=share-file][data-position='1']");
        await file.GetByTestId("share-name").FillAsync("Lena Jensen");
        await file.GetByTestId("share-approve").ClickAsync();
        await Expect(file.GetByTestId("share-decision")).ToBeVisibleAsync();

        // Live on the third instance, by the bus: no reload.
        await Expect(job.Locator("[data-testid=proof-approval][data-decision=approved]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
    }

    /// <summary>The first sync has completed on whichever instance holds it.</summary>
    private async Task FirstSyncAsync()
    {
        await instances.ReviveAsync();
        await Until.TrueAsync(async () =>
        await instances.ScalarAsync<long>("""SELECT count(*) FROM "SyncState" WHERE "LastSuccessAt" IS NOT NULL""") > 0,
        Patience, "the first sync to complete");
    }

    [Fact]
    public async Task Watch_ViewersOnThreeInstances_OnePollPerIntervalAndPagesKeepUpdatingWhenTheHolderIsKilled()
    {
        await FirstSyncAsync();
        var created = await instances.Sandbox.PostAsync("_sandbox/jobs/running?files=3&stepSeconds=30", null);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await using var browser = await Browser.LaunchAsync();
        var signIn = await browser.Context.NewPageAsync();
        await signIn.SignInAsync(instances.Dashboards["a"].BaseAddress, "staff");

        // Two viewers on each instance (one cookie for all: same host, one key ring).
        var pages = new List<(string Instance, IPage Page)>();
        foreach (var (name, dashboard) in instances.Dashboards)
        {
            for (var i = 0; i < 2; i++)
            {
                var page = await browser.Context.NewPageAsync();
                await page.GotoAsync(new Uri(dashboard.BaseAddress, "/jobs/" + id).ToString());
                await page.WaitForCircuitAsync();
                await Expect(page.GetByTestId("live-row")).ToBeVisibleAsync();
                pages.Add((name, page));
            }
        }
        await Until.TrueAsync(async () => await instances.LeaseAsync("watch:" + id) is not null, Patience, "a watcher of the job");

        await instances.ResetRequestsAsync();
        var window = TimeSpan.FromSeconds(6);
        await Task.Delay(window);
        var polls = await instances.RequestsAsync("/jobs/" + id);
        output.WriteLine($"GET /jobs/{{id}} in {window.TotalSeconds:0} s with {pages.Count} viewers on three instances: {polls}");
        // One poller at one pace, plus at most the sync's own re-checks of a running job; three pollers would make three times the first.
        var bound = (int)(window / ThreeInstances.WatchInterval) + (int)(window / ThreeInstances.SyncInterval) + 2;
        Assert.InRange(polls, 1, bound);

        var holder = (await instances.LeaseAsync("watch:" + id))!.Value.Holder;
        await instances.Dashboards[holder].KillAsync();
        var survivor = pages.First(p => p.Instance != holder).Page;
        var before = await survivor.GetByTestId("live-row").InnerTextAsync();
        await Until.TrueAsync(async () => (await instances.LeaseAsync("watch:" + id))?.Holder is { } now && now != holder,
            Patience, "another instance with viewers to take the poll over");
        // The page on a surviving instance keeps updating ("Last fetched" moves on) from the new holder's polls.
        await Until.TrueAsync(async () => await survivor.GetByTestId("live-row").InnerTextAsync() != before, Patience, "the surviving page to update");
    }
}
