using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Filecheck.Api;
using Filecheck.Dashboard.Sharing;
using Filecheck.Sandbox;
using Filecheck.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Filecheck.LoadBench;

/// <summary>How many people and clients, for how long: the suite's short run and the bench's long one.</summary>
/// <param name="NewJobStep">Each step of a new running job (two files, four steps each).</param>
public sealed record LoadShape(TimeSpan Window, int LookupUsers, int DemoRunningWatchers, int NewJobWatchers, int TrendsUsers, int HttpClients,
    TimeSpan NewJobStep)
{
    /// <summary>The bench: 30 people in Chromium and 200 share clients for 60 s.</summary>
    public static readonly LoadShape Bench = new(TimeSpan.FromSeconds(60), 14, 2, 6, 8, 200, TimeSpan.FromSeconds(3));

    /// <summary>The suite: 12 people and 60 share clients for 30 s, the same kinds of work.</summary>
    public static readonly LoadShape Suite = new(TimeSpan.FromSeconds(30), 6, 1, 2, 3, 60, TimeSpan.FromSeconds(2));

    public int Users => LookupUsers + DemoRunningWatchers + NewJobWatchers + TrendsUsers;
}

/// <summary>What a load run saw: its report (markdown), its errors, how often each action ran, and what the share clients cost upstream.</summary>
public sealed record LoadResult(string Report, IReadOnlyList<string> Errors, Func<string, int> Count, ShareLoad Shares);

/// <summary>
/// The share clients' side of a run, counted at the sandbox from the shares' creation on: page views answered (the
/// creation's own reads among them), proof images answered, requests refused by the per-address limit, the calls for the
/// shared jobs' runs and for their proof images, and the bound the shared copy (<see cref="SharedRuns"/>) sets on the former.
/// </summary>
public sealed record ShareLoad(int Jobs, int PageViews, int Images, int ImagesOnPages, int ImagesRefused, int Refused, int RunsCalls, int ImageCalls, int RunsCallsBound)
{
    public double RunsCallsPerPageView => PageViews == 0 ? 0 : RunsCalls / (double)PageViews;
    public double CallsPerImage => Images == 0 ? 0 : ImageCalls / (double)Images;
}

/// <summary>
/// People in Chromium (real circuits) look up jobs, watch running jobs and read trends while plain HTTP clients read
/// public share pages, on loopback, for the window of a <see cref="LoadShape"/>. Errors are collected; memory, the thread
/// pool's queue and the time of each action are measured and reported, never asserted.
/// </summary>
public sealed partial class LoadRun(LoadShape shape)
{
    private TimeSpan Window => shape.Window;
    private int LookupUsers => shape.LookupUsers;
    private int DemoRunningWatchers => shape.DemoRunningWatchers;
    private int NewJobWatchers => shape.NewJobWatchers;
    private int TrendsUsers => shape.TrendsUsers;
    private int Users => shape.Users;
    private int HttpClients => shape.HttpClients;
    /// <summary>2 cores: more Chromium actions at once would measure Chromium fighting the app for the CPU, not the app.</summary>
    private const int BrowserActionsInFlight = 4;

    /// <summary>A cycle of views, each one select away from the one before (two selects at once would race each other's navigation).</summary>
    private static readonly (int Days, string Group)[] TrendViews =
        [(30, "week"), (30, "day"), (90, "day"), (90, "month"), (7, "month"), (7, "week")];

    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _timings = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly SemaphoreSlim _browserGate = new(BrowserActionsInFlight);
    private volatile bool _closing;
    private DateTime _end;

    private sealed record Share(string Path, int Proofs);

    /// <summary>The jobs the shares show: the lookups leave them alone, so every call for their runs is a share's.</summary>
    private static readonly string[] SharedJobs = [WellKnownJobs.Warning, WellKnownJobs.Failing, WellKnownJobs.Fixed, WellKnownJobs.Passing];

    /// <summary>A browser's connections to one host (HTTP/1.1): the images of a page are fetched this many at a time.</summary>
    private const int BrowserConnections = 6;

    private int _runsCalls, _imageCalls;
    private SharingOptions _sharing = new();

    /// <summary>Where the share clients come from, as the report says it.</summary>
    private const string ClientAddresses = "each from a loopback address of its own (127.77.0.1, 127.77.0.2, ...; the dashboard listens on 127.0.0.1)";

    public async Task<LoadResult> RunAsync()
    {
        var log = new ErrorLog();
        await using var host = new DashboardHost(new()
        {
            // Limits are settings: the load is 22 pages of one staff member and 8 of one manager. The share limits stay as
            // production sets them (Sharing:RequestsPerMinute per address, Sharing:UpstreamCallsPerMinute for all links).
            ["Limits:LookupsPerMinute"] = "1000000",
            ["Limits:ProofsPerMinute"] = "1000000",
            ["Limits:RawJsonPerMinute"] = "1000000",
        }, builder => builder.ConfigureLogging(logging => logging.AddProvider(log)));
        var setup = Stopwatch.StartNew();
        log.Counting = true;
        host.Start();
        _sharing = host.Services.GetRequiredService<IOptions<SharingOptions>>().Value;
        // The history sync (budgets lifted on the sandbox) runs while Chromium starts and the people's pages open.
        var synced = Task.Run(async () =>
        {
            await host.WaitForSyncedHistoryAsync();
            return setup.Elapsed;
        });
        var ids = await LookupIdsAsync(host);

        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await Browser.LaunchPlainAsync(playwright);
        await using var staff = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await using var manager = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        staff.SetDefaultTimeout(30_000);
        manager.SetDefaultTimeout(30_000);
        await SignInAsync(staff, host, "staff");
        await SignInAsync(manager, host, "manager");
        var lookupOpening = OpenAllAsync(LookupUsers, i => OpenAsync(staff, host, "/", $"lookup user {i}"));
        var demoWatchOpening = OpenAllAsync(DemoRunningWatchers, i => OpenAsync(staff, host, "/jobs/" + WellKnownJobs.Running, $"demo watcher {i}"));
        var newWatchOpening = OpenAllAsync(NewJobWatchers, i => OpenAsync(staff, host, "/", $"new-job watcher {i}"));
        var trendsOpening = OpenAllAsync(TrendsUsers, i => OpenAsync(manager, host,
            $"/trends?days={TrendViews[i % TrendViews.Length].Days}&group={TrendViews[i % TrendViews.Length].Group}", $"trends user {i}"));
        var (lookupPages, demoWatchPages, newWatchPages, trendsPages) = (await lookupOpening, await demoWatchOpening, await newWatchOpening, await trendsOpening);
        var opened = setup.Elapsed;
        var syncedAt = await synced;
        // Every call for a shared job's runs or proof images from here on is the shares' (the lookups leave those jobs alone).
        using var upstream = host.Sandbox.Requests.Watch(CountShareCall);
        var shares = await CreateSharesAsync(host);
        var shareClock = Stopwatch.StartNew();
        var setupTime = setup.Elapsed;

        var before = Sample.Take();
        using var sampler = new Sampler();
        _end = DateTime.UtcNow + Window;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(
        [
            .. lookupPages.Select((p, i) => Guard($"lookup user {i}", () => LookUpAsync(p, i, ids))),
            .. demoWatchPages.Select((p, i) => Guard($"demo watcher {i}", () => WatchDemoJobAsync(p, i))),
            .. newWatchPages.Select((p, i) => Guard($"new-job watcher {i}", () => WatchNewJobsAsync(p, i, host))),
            .. trendsPages.Select((p, i) => Guard($"trends user {i}", () => ReadTrendsAsync(p, i))),
            .. Enumerable.Range(0, HttpClients).Select(i => ReadSharesAsync(i, host, shares)),
        ]);
        var ran = clock.Elapsed;
        var shareLoad = ShareFigures(shares, shareClock.Elapsed);
        _closing = true;
        log.Counting = false;
        var samples = sampler.Stop();
        var after = Sample.Take();

        foreach (var (level, message) in log.Entries) _errors.Enqueue($"server log {level}: {message}");
        var setupText = string.Create(CultureInfo.InvariantCulture,
            $"{setupTime.TotalSeconds:0.0} s of setup (host, Chromium, sign-in and the {Users} pages opened {opened.TotalSeconds:0.0} s, beside the history sync done at {syncedAt.TotalSeconds:0.0} s; shares)");
        return new LoadResult(Report(ran, setupText, before, after, samples, log, shareLoad), [.. _errors], Count, shareLoad);
    }

    /// <summary>Counts a sandbox request for a shared job: its runs (<c>?expand=runs</c>) or one of its proof images.</summary>
    private void CountShareCall(string target)
    {
        foreach (var job in SharedJobs)
        {
            if (target.StartsWith($"/jobs/{job}?", StringComparison.Ordinal) && target.Contains("expand=runs", StringComparison.Ordinal)) Interlocked.Increment(ref _runsCalls);
            else if (target.StartsWith($"/files/{job}/", StringComparison.Ordinal) && target.Contains("/proof-", StringComparison.Ordinal)) Interlocked.Increment(ref _imageCalls);
        }
    }

    /// <summary>
    /// The shares' figures. The bound: one copy of each job's runs per <see cref="SharedRuns.Life"/> begun, and one more
    /// call per copy when a proof's signature expired under it.
    /// </summary>
    private ShareLoad ShareFigures(IReadOnlyList<Share> shares, TimeSpan sinceShares)
    {
        var copies = 1 + (int)(sinceShares / SharedRuns.Life);
        return new ShareLoad(SharedJobs.Length, Count("share page views answered") + shares.Count, Count("share proof image"), _counts.GetValueOrDefault("share proof images on the pages"),
            _counts.GetValueOrDefault("share proof images refused"),
            _counts.GetValueOrDefault("share requests refused (429)"), Volatile.Read(ref _runsCalls), Volatile.Read(ref _imageCalls), SharedJobs.Length * copies * 2);
    }

    /// <summary>Setup the run cannot go on without (the sandbox's jobs, the shares): an exception, not one more error.</summary>
    private static void Require([DoesNotReturnIf(false)] bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException(what);
    }

    /// <summary>A crashed page or a lost browser is one more error in the figures, not the end of the run.</summary>
    private async Task Guard(string who, Func<Task> user)
    {
        try
        {
            await user();
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            Error($"{who}: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static async Task<List<string>> LookupIdsAsync(DashboardHost host)
    {
        var list = await host.Services.GetRequiredService<IFilecheckClient>().ListJobsAsync(limit: 60);
        Require(list.IsSuccess, "the sandbox did not list its jobs");
        // The well-known jobs beside 60 generated ones (the 200-file one too: a heavy page is part of a real day), but
        // the shared ones: their calls upstream are counted as the shares'.
        return [.. WellKnownJobs.All.Select(j => j.Id).Concat(list.Value.Jobs.Select(j => j.Id)).Where(id => !SharedJobs.Contains(id)).Distinct()];
    }

    /// <summary>Four links through the app's own service, as customer success makes them; each page's proofs counted once.</summary>
    private static async Task<List<Share>> CreateSharesAsync(DashboardHost host)
    {
        var service = host.Services.GetRequiredService<ShareLinkService>();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var shares = new List<Share>();
        foreach (var id in SharedJobs)
        {
            var job = host.Sandbox.Jobs.Get(id)!;
            var created = await service.CreateAsync(new ShareRequest
            {
                Files = job.Tasks!.Select(t => new ShareFile(job.Id, t.Id, t.DisplayName)).ToList(),
                AskApproval = true,
                AllowDownloads = true,
            }, "Cody Success", "demo-cs");
            Require(created.Error is null, $"the share of {id} was refused: {created.Error}");
            var path = ShareUrls.Page(created.Share!.Token);
            var html = await http.GetStringAsync(path);
            var proofs = ProofImage().Matches(html);
            Require(proofs.Count > 0, $"the share of {id} shows no proof");
            shares.Add(new Share(path, proofs.Count));
        }
        return shares;
    }

    [GeneratedRegex("<img src=\"(?<src>[^\"]+)\"[^>]*data-testid=\"share-proof\"")]
    private static partial Regex ProofImage();

    private static async Task SignInAsync(IBrowserContext context, DashboardHost host, string user)
    {
        var page = await context.NewPageAsync();
        await page.SignInAsync(host.BaseAddress, user);
        await page.CloseAsync();
    }

    private static async Task<IPage[]> OpenAllAsync(int count, Func<int, Task<IPage>> open) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(open));

    private async Task<IPage> OpenAsync(IBrowserContext context, DashboardHost host, string path, string who)
    {
        await _browserGate.WaitAsync();
        try
        {
            var page = await context.NewPageAsync();
            Watch(page, who);
            var started = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
            await page.WaitForCircuitAsync();
            Record("page open (setup, beside the history sync)", started);
            return page;
        }
        finally
        {
            _browserGate.Release();
        }
    }

    /// <summary>Every failure a person would see, or the browser saw: script errors, failed responses, dropped circuits.</summary>
    private void Watch(IPage page, string who)
    {
        page.PageError += (_, error) => Error($"{who}: script error {error}");
        page.Console += (_, message) => { if (message.Type == "error") Error($"{who}: console error {message.Text}"); };
        page.Response += (_, response) =>
        {
            Increment("browser HTTP responses");
            if (response.Status >= 400) Error($"{who}: {response.Status} for {response.Url}");
        };
        page.RequestFailed += (_, request) => Error($"{who}: request failed {request.Url} ({request.Failure})");
        page.WebSocket += (_, socket) => socket.Close += (_, _) => Error($"{who}: the circuit's WebSocket closed");
    }

    private void Error(string text)
    {
        if (!_closing) _errors.Enqueue(text);
    }

    private async Task LookUpAsync(IPage page, int user, IReadOnlyList<string> ids)
    {
        var random = new Random(user);
        for (var i = user * 7; DateTime.UtcNow < _end; i++)
        {
            var id = ids[i % ids.Count];
            string? outcome;
            await _browserGate.WaitAsync();
            try
            {
                var started = Stopwatch.StartNew();
                await page.FillAsync("#job-lookup", id);
                await page.PressAsync("#job-lookup", "Enter");
                outcome = await ShownAsync(page,
                    "id => { const h = document.querySelector('[data-testid=job-header] h1');"
                    + " if (h && h.textContent.trim() === id) return 'ok';"
                    + " const p = document.querySelector('[data-testid=job-problem]'); return p ? 'problem: ' + p.textContent.trim() : false; }", id);
                if (outcome == "ok") Record("lookup", started);
            }
            finally
            {
                _browserGate.Release();
            }
            if (outcome != "ok") Error($"lookup user {user}: {id} was not shown ({outcome})");
            await CheckNoErrorUiAsync(page, $"lookup user {user} on {id}");
            await ThinkAsync(random, 1000, 3000);
        }
    }

    /// <summary>job_demo_running stays open: its page must take a live update at least every 25 s (the watcher polls every 1-10 s).</summary>
    private async Task WatchDemoJobAsync(IPage page, int user)
    {
        var live = page.GetByTestId("live-row");
        try
        {
            await live.WaitForAsync();
        }
        catch (TimeoutException)
        {
            Error($"demo watcher {user}: {WellKnownJobs.Running} is not shown updating live");
            return;
        }
        var seen = await live.TextContentAsync() ?? "";
        var since = Stopwatch.StartNew();
        while (DateTime.UtcNow < _end)
        {
            var wait = Math.Min(25_000, Math.Max(1_000, (_end - DateTime.UtcNow).TotalMilliseconds + 2_000));
            try
            {
                var handle = await page.WaitForFunctionAsync(
                    "seen => { const r = document.querySelector('[data-testid=live-row]'); return r && r.textContent !== seen ? r.textContent : false; }",
                    seen, new() { Timeout = (float)wait });
                seen = await handle.JsonValueAsync<string>();
                Record("live update interval (job_demo_running; the watcher backs off to 10 s while nothing moves)", since);
                since.Restart();
                Increment("live updates");
            }
            catch (TimeoutException)
            {
                if (wait >= 25_000) Error($"demo watcher {user}: no live update for 25 s");
            }
            await CheckNoErrorUiAsync(page, $"demo watcher {user}");
        }
    }

    /// <summary>A new running job at the sandbox, looked up in the page, watched until its page says done.</summary>
    private async Task WatchNewJobsAsync(IPage page, int user, DashboardHost host)
    {
        while (DateTime.UtcNow < _end)
        {
            // Two files, four steps each of NewJobStep (3 s: done within about 24 s).
            var id = host.Sandbox.Jobs.CreateRunningJob(files: 2, stepDuration: shape.NewJobStep);
            var created = DateTime.UtcNow;
            await _browserGate.WaitAsync();
            try
            {
                await page.FillAsync("#job-lookup", id);
                await page.PressAsync("#job-lookup", "Enter");
                await page.Locator("[data-testid=job-header] h1", new() { HasTextString = id }).WaitForAsync();
            }
            catch (TimeoutException)
            {
                Error($"new-job watcher {user}: {id} was not shown");
                continue;
            }
            finally
            {
                _browserGate.Release();
            }
            // Its 24 s of steps, a poll or two (the watcher backs off to 10 s only while nothing moves) and a margin.
            var dueBy = created.AddSeconds(60);
            var timeout = (dueBy < _end.AddSeconds(5) ? dueBy : _end.AddSeconds(5)) - DateTime.UtcNow;
            try
            {
                var handle = await page.WaitForFunctionAsync(
                    "() => { const s = document.querySelector('[data-testid=job-header] [data-kind=status]');"
                    + " if (s && s.getAttribute('data-value') === 'done') return 'done';"
                    + " const p = document.querySelector('[data-testid=job-problem]'); return p ? 'problem: ' + p.textContent.trim() : false; }",
                    null, new() { Timeout = (float)Math.Max(1_000, timeout.TotalMilliseconds) });
                var outcome = await handle.JsonValueAsync<string>();
                var seenAt = DateTimeOffset.UtcNow;
                if (outcome != "done")
                {
                    Error($"new-job watcher {user}: {id} {outcome}");
                }
                else
                {
                    Increment("watched to done");
                    var ended = host.Sandbox.Jobs.Get(id)!.Tasks!.SelectMany(t => t.Steps ?? []).Max(s => s.Ended);
                    if (ended is { } at) RecordMs("new running job shown done, after it ended", (seenAt - at).TotalMilliseconds);
                }
            }
            catch (TimeoutException)
            {
                if (dueBy <= _end.AddSeconds(5)) Error($"new-job watcher {user}: {id} not shown done 60 s after it started");
            }
            await CheckNoErrorUiAsync(page, $"new-job watcher {user} on {id}");
        }
    }

    private async Task ReadTrendsAsync(IPage page, int user)
    {
        var random = new Random(1000 + user);
        for (var i = user + 1; DateTime.UtcNow < _end; i++)
        {
            var (days, group) = TrendViews[i % TrendViews.Length];
            string? outcome;
            await _browserGate.WaitAsync();
            try
            {
                var started = Stopwatch.StartNew();
                var (lastDays, _) = TrendViews[(i - 1) % TrendViews.Length];
                if (days != lastDays) await page.GetByTestId("trends-range").SelectOptionAsync(days.ToString(CultureInfo.InvariantCulture));
                else await page.GetByTestId("trends-group").SelectOptionAsync(group);
                outcome = await ShownAsync(page,
                    "v => { const s = document.querySelector('[data-testid=trends-summary]');"
                    + " if (s && s.textContent.includes('by ' + v.group + ':') && ['(previous ', '(no previous '].some(w => s.textContent.includes(w + v.days + ' days'))) return 'ok';"
                    + " const p = document.querySelector('[data-testid=trends-problem]'); return p ? 'problem: ' + p.textContent.trim() : false; }",
                    new { days, group });
                if (outcome == "ok") Record("trends view", started);
            }
            finally
            {
                _browserGate.Release();
            }
            if (outcome != "ok") Error($"trends user {user}: {days} days by {group} was not shown ({outcome})");
            await CheckNoErrorUiAsync(page, $"trends user {user}");
            await ThinkAsync(random, 2000, 4000);
        }
    }

    private async Task ReadSharesAsync(int client, DashboardHost host, IReadOnlyList<Share> shares)
    {
        var random = new Random(2000 + client);
        // A browser of its own per customer: its own connections (as many at once as a browser opens to one host).
        using var http = new HttpClient(ShareClientHandler(client)) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await ThinkAsync(random, 0, 4000);
        for (var i = 0; DateTime.UtcNow < _end; i++)
        {
            var share = shares[(client + i) % shares.Count];
            try
            {
                var started = Stopwatch.StartNew();
                using var response = await http.GetAsync(share.Path);
                var html = await response.Content.ReadAsStringAsync();
                if (!Refused(response, client, "the share page"))
                {
                    Record("share page", started);
                    var proofs = ProofImage().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["src"].Value)).ToList();
                    if ((int)response.StatusCode != 200) Error($"share client {client}: {(int)response.StatusCode} for the share page");
                    else if (proofs.Count != share.Proofs) Error($"share client {client}: {proofs.Count} proofs instead of {share.Proofs}");
                    else Increment("share page views answered");
                    // Every proof on the page, as a browser loads a page's images: a few at a time, on the page's connections.
                    Increment("share proof images on the pages", proofs.Count);
                    await Parallel.ForEachAsync(proofs, new ParallelOptions { MaxDegreeOfParallelism = BrowserConnections },
                        async (proof, _) => await ReadProofAsync(http, client, proof));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Error($"share client {client}: {ex.GetType().Name} {ex.Message}");
            }
            // A customer looking at proofs, reloading now and then; 200 of them at once.
            await ThinkAsync(random, 4000, 8000);
        }
    }

    private async Task ReadProofAsync(HttpClient http, int client, string proof)
    {
        try
        {
            var started = Stopwatch.StartNew();
            using var image = await http.GetAsync(proof);
            var bytes = await image.Content.ReadAsByteArrayAsync();
            if (Refused(image, client, "a proof image"))
            {
                Increment("share proof images refused");
                return;
            }
            Record("share proof image", started);
            if ((int)image.StatusCode != 200 || image.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.Ordinal) != true || bytes.Length == 0)
            {
                Error($"share client {client}: proof image {(int)image.StatusCode} {image.Content.Headers.ContentType}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Error($"share client {client}: proof image {ex.GetType().Name} {ex.Message}");
        }
    }

    /// <summary>The per-address limit's refusal: counted, not an error, when it says when to come back (Retry-After).</summary>
    private bool Refused(HttpResponseMessage response, int client, string what)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests) return false;
        Increment("share requests refused (429)");
        if (response.Headers.RetryAfter is null) Error($"share client {client}: 429 without Retry-After for {what}");
        return true;
    }

    /// <summary>
    /// A customer's browser: up to <see cref="BrowserConnections"/> connections of its own, from an address of its own
    /// (<see cref="ClientAddress"/>), as customers on their own networks have; the per-address limit sees each apart.
    /// </summary>
    private static SocketsHttpHandler ShareClientHandler(int client) => new()
    {
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = BrowserConnections,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new System.Net.IPEndPoint(ClientAddress(client), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Client n's address: 127.77.x.y (Linux answers the whole of 127.0.0.0/8 on loopback).</summary>
    private static System.Net.IPAddress ClientAddress(int client) => new([127, 77, (byte)(client / 250), (byte)(client % 250 + 1)]);

    /// <summary>Waits for a page condition that returns "ok" or what went wrong instead; a timeout is what went wrong too.</summary>
    private static async Task<string> ShownAsync(IPage page, string condition, object? arg)
    {
        try
        {
            var handle = await page.WaitForFunctionAsync(condition, arg, new() { Timeout = 30_000 });
            return await handle.JsonValueAsync<string>();
        }
        catch (TimeoutException)
        {
            return "not within 30 s";
        }
    }

    private async Task CheckNoErrorUiAsync(IPage page, string who)
    {
        var problems = await page.EvaluateAsync<string[]>(
            """
            () => {
              const problems = [];
              const visible = e => e && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0;
              if (visible(document.getElementById('blazor-error-ui'))) problems.push('the error bar');
              const reconnect = document.getElementById('components-reconnect-modal');
              if (visible(reconnect)) problems.push('the reconnect dialog ' + reconnect.className);
              // Each page's own error message (job-problem, trends-problem, runs-problem, ...); a failed job's answer is not one.
              for (const e of document.querySelectorAll('[data-testid$=-problem]'))
                problems.push(e.getAttribute('data-testid') + ': ' + e.textContent.trim().slice(0, 200));
              const live = document.querySelector('[data-testid=live-row]');
              if (live && live.textContent.includes('Last update failed')) problems.push('live: ' + live.textContent.trim().slice(0, 200));
              return problems;
            }
            """);
        foreach (var problem in problems) Error($"{who}: {problem}");
    }

    /// <summary>A person's pause between actions: load shape, not synchronisation.</summary>
    private Task ThinkAsync(Random random, int min, int max)
    {
        var left = _end - DateTime.UtcNow;
        var pause = TimeSpan.FromMilliseconds(random.Next(min, max));
        return left <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(pause < left ? pause : left);
    }

    private void Record(string action, Stopwatch started)
    {
        RecordMs(action, started.Elapsed.TotalMilliseconds);
    }

    private void RecordMs(string action, double ms)
    {
        if (!_closing) _timings.GetOrAdd(action, _ => []).Add(ms);
    }

    private void Increment(string what, int by = 1)
    {
        if (!_closing) _counts.AddOrUpdate(what, by, (_, n) => n + by);
    }

    private int Count(string action) => _timings.TryGetValue(action, out var bag) ? bag.Count : _counts.GetValueOrDefault(action);

    private string Report(TimeSpan ran, string setup, Sample before, Sample after, IReadOnlyList<Sample> samples, ErrorLog log, ShareLoad shares)
    {
        static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";
        static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        var all = samples.Count == 0 ? [after] : samples;
        var queue = all.Select(s => (double)s.ThreadPoolQueue).Order().ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"""
            Asserted (the suite's test fails, the bench exits 1): zero errors (every lookup showed its job, every trends view its figures, every share page answered 200 with all its proofs and every proof image on it answered 200 with an image (in the suite also: none refused by the per-address limit, every customer reading at a person's pace from an address of its own; a 429 must carry Retry-After and is counted below); the shared jobs' runs fetched from Filecheck at most {shares.RunsCallsBound} times (one copy of each of the {shares.Jobs} jobs for every viewer, per {SharedRuns.Life.TotalMinutes:0} minutes begun, and one refetch a copy for an expired signature); no HTTP failure in the browsers, no script or console error, no dropped circuit, no error UI on any page, no error in the server's log; new running jobs shown done within 60 s of their start, job_demo_running's page updated at least every 25 s). Everything else is reported, not asserted.

            | | |
            |---|---|
            | users | {Users} Chromium pages, each its own circuit, in one Chromium with two contexts signed in through the demo sign-in (staff, manager): {LookupUsers} look up jobs (lookup box, 1-3 s apart), {DemoRunningWatchers} watch `job_demo_running`, {NewJobWatchers} watch new running jobs (made at the sandbox, looked up, watched to done, again), {TrendsUsers} read trends (range and grouping, 2-4 s apart) |
            | bound | at most {BrowserActionsInFlight} Chromium actions in flight (the machine has 2 cores: more would measure Chromium's own rendering contention, not the dashboard); watching pages take their live updates outside that bound |
            | HTTP clients | {HttpClients}, each a customer's browser: {ClientAddresses}, up to {BrowserConnections} connections of its own, reading 4 public share pages (`/s/` + token) 4-8 s apart (a customer looking at proofs and reloading; the first read within the window's first 4 s), and after each page every proof image on it, {BrowserConnections} at a time; the share limits as production sets them (`Sharing:RequestsPerMinute` {_sharing.RequestsPerMinute} per address, `Sharing:UpstreamCallsPerMinute` {_sharing.UpstreamCallsPerMinute} for all links); `Limits:*` per person raised (one staff member and one manager have all the pages) |
            | share clients upstream (counted at the sandbox from the shares' creation on) | {shares.PageViews} share pages answered ({shares.Jobs} of them the creation's own reads), {shares.RunsCalls} calls for the shared jobs' runs: **{shares.RunsCallsPerPageView:0.###} upstream calls per page view**; {shares.Images} proof images answered of {shares.ImagesOnPages} on the pages read, {shares.ImageCalls} image fetches from the artifact host: **{shares.CallsPerImage:0.###} upstream calls per proof image** (images are streamed, never kept); {shares.Refused} requests refused by the per-address limit (429 with Retry-After) |
            | duration | {ran.TotalSeconds:0.0} s of load: a window of {Window.TotalSeconds:0} s (the share clients start within its first 4 s), then the actions in flight finish; after {setup} |
            | requests | {Count("lookup")} lookups, {Count("trends view")} trends views, {Count("watched to done")} new jobs watched to done, {Count("live updates")} live updates of `job_demo_running`, {Count("share page")} share pages, {Count("share proof image")} proof images, {_counts.GetValueOrDefault("browser HTTP responses")} HTTP responses in the browsers |
            | errors | {_errors.Count} (server log: {log.Entries.Count} errors, {log.Warnings} warnings) |
            | memory (test process: the load's dashboard and sandbox, the collection's idle dashboard, the test's clients) | working set {Mb(before.WorkingSet)} before, peak {Mb(all.Max(s => s.WorkingSet))}, {Mb(after.WorkingSet)} after; GC heap {Mb(before.GcHeap)} before, peak {Mb(all.Max(s => s.GcHeap))}, {Mb(after.GcHeap)} after; {after.Gen2 - before.Gen2} gen-2 collections |
            | thread pool | queue length mean {queue.Average():0.0}, p95 {Percentile(queue, 0.95):0}, max {queue[^1]:0} (sampled every 250 ms, {queue.Count} samples); threads {before.Threads} before, max {all.Max(s => s.Threads)} |

            | action | count | p50 | p95 | max |
            |---|---|---|---|---|

            """);
        foreach (var (action, bag) in _timings.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var sorted = bag.Order().ToList();
            text.Append(CultureInfo.InvariantCulture, $"| {action} | {sorted.Count} | {Percentile(sorted, 0.5):0} ms | {Percentile(sorted, 0.95):0} ms | {sorted[^1]:0} ms |\n");
        }
        if (log.Warnings > 0) text.Append("\nWarnings in the server's log (reported, not counted as errors):\n\n").AppendJoin("\n", log.WarningTexts.Select(w => "- " + w.ReplaceLineEndings(" "))).Append('\n');
        if (!_errors.IsEmpty) text.Append("\nFirst errors:\n\n").AppendJoin("\n", _errors.Take(10).Select(e => "- " + e.Replace("|", "\\|", StringComparison.Ordinal))).Append('\n');
        return text.ToString();
    }

    private sealed record Sample(long WorkingSet, long GcHeap, long ThreadPoolQueue, int Threads, int Gen2)
    {
        public static Sample Take()
        {
            using var process = Process.GetCurrentProcess();
            return new Sample(process.WorkingSet64, GC.GetTotalMemory(false), ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount, GC.CollectionCount(2));
        }
    }

    /// <summary>Samples the process every 250 ms on a thread of its own (a busy thread pool must not delay its own measurement).</summary>
    private sealed class Sampler : IDisposable
    {
        private readonly ConcurrentQueue<Sample> _samples = new();
        private readonly ManualResetEventSlim _stop = new();
        private readonly Thread _thread;

        public Sampler()
        {
            _thread = new Thread(() =>
            {
                while (!_stop.Wait(250)) _samples.Enqueue(Sample.Take());
            }) { IsBackground = true, Name = "load sampler" };
            _thread.Start();
        }

        public IReadOnlyList<Sample> Stop()
        {
            _stop.Set();
            _thread.Join();
            return [.. _samples];
        }

        public void Dispose()
        {
            if (!_stop.IsSet) Stop();
            _stop.Dispose();
        }
    }

    /// <summary>Errors (and a count of warnings) the dashboard logs while the load runs.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel, string)> _entries = new();
        private readonly ConcurrentQueue<string> _warningTexts = new();
        private int _warnings;

        public volatile bool Counting;

        public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;
        public int Warnings => _warnings;
        public IEnumerable<string> WarningTexts => _warningTexts.Distinct().Take(5);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!owner.Counting || logLevel < LogLevel.Warning) return;
                var text = $"{category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}";
                if (logLevel > LogLevel.Warning) owner._entries.Enqueue((logLevel, text));
                else if (Interlocked.Increment(ref owner._warnings) <= 50) owner._warningTexts.Enqueue(text);
            }
        }
    }
}
