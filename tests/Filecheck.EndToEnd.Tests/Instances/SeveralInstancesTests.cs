using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using Microsoft.Playwright;
using Filecheck.Dashboard.Tests.Trends;
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

        // Nothing counted twice (nor missed) by the holder killed midway and its successor: the rollups equal a recomputation.
        var (rollups, recomputed, rows) = await instances.RollupsAsync();
        Assert.Equal(sandboxJobs, rows);
        Assert.NotEmpty(recomputed.Outcomes);
        AssertSame(recomputed, rollups);
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

    [Fact]
    public async Task CheckQuota_SpentThroughNginxOnAllThree_RefusedAfterExactlyTheQuotaOnEach()
    {
        await FirstSyncAsync();
        // The quota is per clock hour: spending it across the turn of an hour would start a new one midway.
        var now = DateTimeOffset.UtcNow;
        var toNextHour = TimeSpan.FromHours(1) - TimeSpan.FromTicks(now.Ticks % TimeSpan.TicksPerHour);
        if (toNextHour < TimeSpan.FromSeconds(30)) await Task.Delay(toNextHour + TimeSpan.FromSeconds(1));

        // One person (one cookie) whose requests reach nginx from three addresses, which its sticky hash sends to three instances.
        var routes = await instances.RoutesAsync();
        var cookies = new CookieContainer();
        var clients = routes.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (Instance: r.Key, Client: instances.NginxClient(r.Value, cookies))).ToList();
        try
        {
            var token = await SignInAsync(clients[0].Client, "staff");
            await instances.ResetRequestsAsync();

            for (var i = 0; i < ThreeInstances.CheckQuota; i++)
            {
                var (instance, client) = clients[i % clients.Count];
                using var taken = await client.SendAsync(Upload(token));
                Assert.True(taken.StatusCode == HttpStatusCode.OK, $"upload {i + 1} on {instance}: {(int)taken.StatusCode} {await taken.Content.ReadAsStringAsync()}");
                Assert.Equal(instance, instances.InstanceOf(taken));
            }
            // Spent in all: each instance refuses the next one, though none of them took the whole quota itself.
            foreach (var (instance, client) in clients)
            {
                using var refused = await client.SendAsync(Upload(token));
                Assert.Equal(instance, instances.InstanceOf(refused));
                Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"on {instance} after the quota: {(int)refused.StatusCode}");
                Assert.NotNull(refused.Headers.RetryAfter);
                Assert.Contains("many checks in the last hour", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            output.WriteLine($"{ThreeInstances.CheckQuota} uploads taken on {string.Join(", ", clients.Select(c => c.Instance))} in turn, then refused on each");
            Assert.Equal(ThreeInstances.CheckQuota, await instances.RequestsAsync("/uploads"));
        }
        finally
        {
            foreach (var (_, client) in clients) client.Dispose();
        }
    }

    /// <summary>Signs in through the demo form (its antiforgery token, then the post); the token of the signed-in user's pages.</summary>
    private static async Task<string> SignInAsync(HttpClient client, string demoUser)
    {
        var page = await client.GetStringAsync("account/signin");
        var form = Regex.Match(page, $"""<form[^>]*action="/account/demo-signin"[^>]*>(?:(?!</form>).)*value="{demoUser}"(?:(?!</form>).)*</form>""",
            RegexOptions.Singleline);
        Assert.True(form.Success, $"The sign-in page has no form for demo user '{demoUser}'.");
        using var signedIn = await client.PostAsync("account/demo-signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken(form.Value),
            ["user"] = demoUser,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return FormToken(await client.GetStringAsync(""));
    }

    private static string FormToken(string html)
    {
        var match = Regex.Match(html, """name="__RequestVerificationToken"[^>]*value="([^"]+)" """.Trim());
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A small upload as the new-check page sends it: the body, its length, and the page's antiforgery token.</summary>
    private static HttpRequestMessage Upload(string token)
    {
        var content = new ByteArrayContent(new byte[1024]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var request = new HttpRequestMessage(HttpMethod.Post, "checks/uploads?name=quota.pdf") { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        return request;
    }

    [Fact]
    public async Task Nginx_TheInstanceABrowserIsOnStopped_ThePageWorksOnAnotherWithNothingLost()
    {
        await FirstSyncAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await page.SignInAsync(instances.Nginx, "cs", "/shares");
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("shares-table").Or(page.GetByTestId("shares-empty"))).ToBeVisibleAsync();
        var shares = await page.GetByTestId("share-row").CountAsync();

        // A change made through the instance the browser is on (nginx says which), then that instance stops.
        var opened = await page.GotoAsync(new Uri(instances.Nginx, "/jobs/" + Filecheck.Sandbox.WellKnownJobs.Warning).ToString());
        var stopped = instances.InstanceAt(opened!.Headers.GetValueOrDefault("x-upstream"));
        Assert.NotNull(stopped);
        await page.WaitForCircuitAsync();
        await Sharing.ShareJourneyTests.CreateShareAsync(page);
        await page.EvaluateAsync("() => window.fcBeforeTheStop = true");
        try
        {
            var watch = Stopwatch.StartNew();
            await instances.Dashboards[stopped].TerminateAsync();
            await instances.Dashboards[stopped].WaitForExitAsync(TimeSpan.FromSeconds(60));

            // The circuit was on the stopped instance: the page reconnects through nginx to another, which knows no such
            // circuit, so it loads again by itself, still signed in (one key ring and one session row in the store).
            await page.WaitForFunctionAsync("() => window.fcBeforeTheStop === undefined && window.Blazor && document.querySelector('[data-circuit-ready]') !== null",
                null, new() { Timeout = 60_000 });
            output.WriteLine($"the page worked again {watch.Elapsed.TotalSeconds:0.0} s after the stop of {stopped}");
            Assert.DoesNotContain("/account/signin", page.Url, StringComparison.Ordinal);
            var now = instances.InstanceAt(await page.EvaluateAsync<string>("() => fetch('/healthz').then(r => r.headers.get('x-upstream'))"));
            Assert.True(now is not null && now != stopped, $"on {now ?? "?"} after {stopped} stopped");
            await Expect(page.GetByTestId("proof-approvals")).ToBeVisibleAsync();

            // Nothing lost: the share made through the stopped instance is listed.
            await page.GotoAsync(new Uri(instances.Nginx, "/shares").ToString());
            await page.WaitForCircuitAsync();
            await Expect(page.GetByTestId("share-row")).ToHaveCountAsync(shares + 1);
        }
        finally
        {
            // The other tests start with three behind nginx.
            await instances.ReviveAsync();
        }
    }

    private static void AssertSame(RollupSnapshot expected, RollupSnapshot actual)
    {
        static string Diff<T>(SortedDictionary<string, T> e, SortedDictionary<string, T> a) => string.Join("\n", e.Keys.Union(a.Keys).Order(StringComparer.Ordinal)
            .Where(k => !e.TryGetValue(k, out var x) || !a.TryGetValue(k, out var y) || !Equals(x, y))
            .Take(20).Select(k => $"{k}: recomputed {(e.TryGetValue(k, out var x) ? x : "none")}, stored {(a.TryGetValue(k, out var y) ? y : "none")}"));
        Assert.True(expected.Outcomes.SequenceEqual(actual.Outcomes), "outcomes differ:\n" + Diff(expected.Outcomes, actual.Outcomes));
        Assert.True(expected.Steps.SequenceEqual(actual.Steps), "steps differ:\n" + Diff(expected.Steps, actual.Steps));
        Assert.True(expected.Reasons.SequenceEqual(actual.Reasons), "reasons differ:\n" + Diff(expected.Reasons, actual.Reasons));
    }

    [Fact]
    public async Task ShareWebhook_HolderKilledWithADecisionQueued_TheNextHolderSendsIt()
    {
        await FirstSyncAsync();
        var alive = instances.Alive.Select(d => d.Value.BaseAddress).ToList();
        await using var browser = await Browser.LaunchAsync();
        var staff = await browser.Context.NewPageAsync();
        await staff.SignInAsync(alive[0], "cs", "/jobs/" + Filecheck.Sandbox.WellKnownJobs.Warning);
        await staff.WaitForCircuitAsync();
        var link = new Uri(await Sharing.ShareJourneyTests.CreateShareAsync(staff));
        await Until.TrueAsync(async () => await instances.LeaseAsync(Filecheck.Dashboard.Sharing.ShareWebhook.LeaseName) is not null, Patience, "a holder of the webhook");

        // The chat is down: the decision is recorded, the holder's post is refused and waits for another attempt.
        instances.Decisions.Refusing = true;
        try
        {
            var customer = await browser.Context.NewPageAsync();
            await customer.GotoAsync(new Uri(alive[1], link.PathAndQuery).ToString());
            var file = customer.Locator("[data-testid=share-file][data-position='1']");
            await file.GetByTestId("share-name").FillAsync("Lena Jensen");
            await file.GetByTestId("share-approve").ClickAsync();
            await Expect(file.GetByTestId("share-decision")).ToBeVisibleAsync();
            await Until.TrueAsync(() => Task.FromResult(instances.Decisions.Refused > 0), Patience, "the holder's first post, refused");

            // The holder dies with the decision unsent; the chat comes back.
            var holder = (await instances.LeaseAsync(Filecheck.Dashboard.Sharing.ShareWebhook.LeaseName))!.Value.Holder;
            await instances.Dashboards[holder].KillAsync();
            instances.Decisions.Refusing = false;
        }
        finally
        {
            instances.Decisions.Refusing = false;
        }

        // The next holder sends it: the decision was kept in the store, not in the dead process.
        var shareId = await instances.ScalarAsync<long>("""SELECT max("ShareId") FROM "ShareDecisions" """);
        await Until.TrueAsync(() => Task.FromResult(instances.Decisions.Received.Any(d => d["shareId"]?.GetValue<long>() == shareId)),
            Patience, "the decision to reach the chat from another instance");
        var sent = instances.Decisions.Received.Where(d => d["shareId"]?.GetValue<long>() == shareId).ToList();
        Assert.Equal("approved", sent[0]["decision"]!.GetValue<string>());
        Assert.Equal("Lena Jensen", sent[0]["name"]!.GetValue<string>());
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
