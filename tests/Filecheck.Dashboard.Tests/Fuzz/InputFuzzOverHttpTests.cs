using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Filecheck.Api;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.History;
using Filecheck.Dashboard.Tests.Sharing;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.Tests.Fuzz;

/// <summary>
/// A sample of 200 of the fuzz's hostile inputs sent through HTTP to the whole app as production runs it, its Filecheck
/// API a sandbox on loopback: every request target the API receives is checked against the API's own routes with exact
/// job IDs, no answer is a 5xx, and a rejected input (or a page that only reads) leaves every table of the history as it was.
/// </summary>
[Collection(InputFuzzCollection.Name)]
public sealed partial class InputFuzzOverHttpTests(FuzzFigures figures) : IAsyncLifetime
{
    private readonly SharingApp _app = new(new Dictionary<string, string?>
    {
        ["History:Webhooks:Secret"] = HistoryHost.WebhookSecret,
        ["History:Webhooks:SigningSecret"] = HistoryHost.SigningSecret,
        ["History:Sync:RequestsPerMinute"] = "1000000",
        // Limits are not under test here: 200 requests of one person must all reach their parsers.
        ["Limits:LookupsPerMinute"] = "100000",
        ["Limits:ProofsPerMinute"] = "100000",
        ["Limits:DownloadsPerMinute"] = "100000",
        ["Limits:RawJsonPerMinute"] = "100000",
    });

    private readonly ConcurrentQueue<string> _targets = new();
    private readonly ConcurrentQueue<string> _unsafe = new();
    private IDisposable? _watch;

    /// <summary>Every route of the Filecheck API the dashboard calls, with exact IDs; the query is whatever the client wrote, without raw spaces or controls.</summary>
    [GeneratedRegex(@"^/(jobs(/job_[A-Za-z0-9_]{1,100})?|workflows|rules|profiles|files/job_[A-Za-z0-9_]{1,100}/[A-Za-z0-9_]{1,100}/[A-Za-z0-9_.-]{1,200})(\?[\x21-\x7e]*)?\z")]
    private static partial Regex SafeTarget();

    /// <summary>The status recorded for a request the test server would not send (a NUL in its path).</summary>
    public const int NotSent = 0;

    private sealed record Sample(string Route, Func<HttpRequestMessage> Request, bool ReadOnly, string Input);

    public Task InitializeAsync()
    {
        _watch = _app.Sandbox.Requests.Watch(target =>
        {
            _targets.Enqueue(target);
            if (!SafeTarget().IsMatch(target) || target.Contains("..", StringComparison.Ordinal)) _unsafe.Enqueue(target);
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _watch?.Dispose();
        await _app.DisposeAsync();
    }

    private static string Segment(string text) => Uri.EscapeDataString(NastyInput.Scrub(text));

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static IEnumerable<Sample> Many<T>(int count, Gen<T> gen, Func<T, Sample> make) => gen.Array[count].Single().Select(make);

    private static IEnumerable<Sample> Samples(string shareToken)
    {
        var ids = Gen.Frequency((4, NastyInput.Text), (1, Gen.OneOf(WellKnownJobs.Passing, WellKnownJobs.Warning, "job_unknown_fuzz", " job_demo_failing ")));
        var webhookBody = Gen.Frequency(
            (3, NastyInput.Text.Select(NastyInput.Scrub)),
            (2, Gen.Select(Gen.Frequency((3, NastyInput.Text), (1, Gen.OneOf(WellKnownJobs.Passing, "job_unknown_fuzz"))), Gen.OneOf("taskIds", "taskCount", "tasks", "hello"),
                (id, key) => $$"""{"id":{{System.Text.Json.JsonSerializer.Serialize(NastyInput.Scrub(id))}},"{{key}}":{{(key == "taskCount" ? "1" : "[]")}}}""")
));
        var jobQuery = NastyInput.Query("tab", "file", "step", "zoom", "from", "to", "q", "outcome", "sort", "desc");
        var listQuery = NastyInput.Query("q", "range", "from", "to", "status", "outcome", "channel", "workflow", "rule", "filetype", "file", "order", "customer", "email", "reason", "finished", "sort", "desc", "page");
        var trendsQuery = NastyInput.Query("days", "from", "to", "group", "unit", "channel", "workflow", "rule", "filetype", "step");
        var csv = Gen.OneOf(Filecheck.Dashboard.Trends.TrendsCsv.All.ToArray());

        return Many(30, ids, t => new Sample("GET /jobs/{id}/raw.json", () => Get($"/jobs/{Segment(t)}/raw.json"), false, t))
            .Concat(Many(10, Gen.Select(ids, NastyInput.Text), t => new Sample("GET /jobs/{id}/files/{file}/proofs/1",
                () => Get($"/jobs/{Segment(t.Item1)}/files/{Segment(t.Item2)}/proofs/1"), false, t.Item1)))
            .Concat(Many(10, ids, t => new Sample("GET /jobs/{id}/files/{file}/download", () => Get($"/jobs/{Segment(t)}/files/task_1/download"), false, t)))
            .Concat(Many(10, ids, t => new Sample("GET /jobs/{id} (the page)", () => Get($"/jobs/{Segment(t)}"), true, t)))
            .Concat(Many(15, jobQuery, q => new Sample("GET /jobs/{id}?{view}", () => Get($"/jobs/{WellKnownJobs.Passing}?{q.TrimStart('?')}"), true, q)))
            .Concat(Many(25, listQuery, q => new Sample("GET /jobs?{filters}", () => Get("/jobs?" + q.TrimStart('?')), true, q)))
            .Concat(Many(10, listQuery, q => new Sample("GET /search?{filters}", () => Get("/search?" + q.TrimStart('?')), true, q)))
            .Concat(Many(15, trendsQuery, q => new Sample("GET /trends?{view}", () => Get("/trends?" + q.TrimStart('?')), true, q)))
            .Concat(Many(10, Gen.Select(trendsQuery, csv), t => new Sample("GET /trends/{name}.csv?{view}", () => Get($"/trends/{t.Item2}.csv?{t.Item1.TrimStart('?')}"), true, t.Item1)))
            .Concat(Many(20, NastyInput.Text, t => new Sample("GET /s/{token}", () => Get("/s/" + Segment(t)), true, t)))
            .Concat(Many(10, NastyInput.Text, t => new Sample("POST /s/{token}/decide", () => new HttpRequestMessage(HttpMethod.Post, $"/s/{Segment(t)}/decide")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["file"] = "1", ["decision"] = "approved", ["name"] = "Fuzz" }),
            }, true, t)))
            .Concat(Many(5, NastyInput.QueryValue, v => new Sample("GET /s/{live token}?answered={n}", () => Get($"/s/{shareToken}?answered={v}"), false, v)))
            .Concat(Many(30, webhookBody, b => new Sample("POST /webhooks/filecheck", () => Webhooks.Request(b), false, b)));
    }

    [Fact]
    public async Task TwoHundredHostileInputs_OverHttp_NoServerError_NoUnsafePathAtTheApi_NoChangeOnRejection()
    {
        // The store holds the API's jobs, as after a sync: the lists and trends below read real rows (and ask for their names).
        var synced = await _app.Services.GetRequiredService<HistorySyncRunner>().RunOnceAsync();
        Assert.True(synced.Completed, synced.Failure?.Message);
        var share = await _app.ShareAsync();
        var staff = await _app.SignedInClientAsync("admin");
        var anonymous = _app.Anonymous();
        await using var history = await HistoryDigest.OpenAsync(_app.Services.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath);
        var writes = _app.Services.GetRequiredService<WriteThrough>();
        // Reads are audited through a queue folded every second: fold it around each request, so an earlier request's
        // audit never lands inside a later one's before-and-after.
        var audits = _app.Services.GetRequiredService<Filecheck.Dashboard.Data.ReadAuditJournal>();
        var samples = Samples(share.Token).ToList();
        Assert.Equal(200, samples.Count);
        var failures = new List<string>();

        foreach (var sample in samples)
        {
            await writes.IdleAsync();
            await audits.FoldNowAsync();
            var before = await history.CurrentAsync();
            var reachedBefore = _targets.Count;
            var unsafeBefore = _unsafe.Count;
            using var request = sample.Request();
            var client = request.RequestUri!.OriginalString.StartsWith("/s/", StringComparison.Ordinal) || request.RequestUri.OriginalString.StartsWith("/webhooks/", StringComparison.Ordinal)
                ? anonymous : staff;
            HttpResponseMessage? response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("null characters", StringComparison.Ordinal))
            {
                // The in-memory test server refuses a NUL in a path before the app (Kestrel answers 400 there): not sent.
                response = null;
            }
            using var answered = response;
            await writes.IdleAsync();
            await audits.FoldNowAsync();
            var status = response is null ? NotSent : (int)response.StatusCode;
            var reached = _targets.Count - reachedBefore;
            var counts = figures.Http(sample.Route);
            Interlocked.Increment(ref counts.Sent);
            counts.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            Interlocked.Add(ref counts.ReachedApi, reached);
            Interlocked.Add(ref counts.UnsafePaths, _unsafe.Count - unsafeBefore);
            if (status >= 500)
            {
                Interlocked.Increment(ref counts.ServerErrors);
                failures.Add($"{sample.Route}: {status} for {Printable(sample.Input)}");
            }
            var rejected = (status is >= 400 and < 500 || status == NotSent) && reached == 0;
            // A dot segment ("/jobs/./raw.json") is resolved by the client before sending: another route is asked, not this one.
            if (sample.Route.StartsWith("GET /jobs/{id}/", StringComparison.Ordinal) && Segment(sample.Input) is not ("." or "..") && !JobId.TryParse(WebUtility.UrlDecode(Segment(sample.Input)), out _, out _) && !rejected)
                failures.Add($"{sample.Route}: an ID the parser refuses was answered {status} after {reached} API requests: {Printable(sample.Input)}");
            if (rejected) Interlocked.Increment(ref counts.Rejected);
            if (rejected || sample.ReadOnly)
            {
                Interlocked.Increment(ref counts.Checked);
                var after = await history.CurrentAsync();
                if (after == before) Interlocked.Increment(ref counts.Unchanged);
                else failures.Add($"{sample.Route}: the history changed on {(rejected ? "a rejected input" : "a read")} ({status}): {Printable(sample.Input)}");
            }
            // /search only ever leads to the jobs list; any other redirect stays on the dashboard or is the sign-in challenge
            // (a path the client normalised, "/s/..", is no share route, and an anonymous request there is asked to sign in).
            if (status is >= 300 and < 400 && response!.Headers.Location is { } location
                && (sample.Route.StartsWith("GET /search", StringComparison.Ordinal)
                    ? location.IsAbsoluteUri || !location.OriginalString.StartsWith("/jobs", StringComparison.Ordinal)
                    : location.IsAbsoluteUri && !ProductionAppIsChallenge(response)))
                failures.Add($"{sample.Route}: redirected to {location}: {Printable(sample.Input)}");
        }

        Assert.True(_unsafe.IsEmpty, "Unsafe request targets reached the API:\n" + string.Join("\n", _unsafe.Take(10)));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.NotEmpty(_targets); // the accepted inputs did reach the API, so the watch above saw real traffic
    }

    private static bool ProductionAppIsChallenge(HttpResponseMessage response) => ProductionApp.IsChallenge(response);

    private static string Printable(string text)
    {
        var b = new StringBuilder();
        foreach (var c in text.Length > 120 ? text[..120] + "…" : text) b.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c);
        return b.ToString();
    }
}
