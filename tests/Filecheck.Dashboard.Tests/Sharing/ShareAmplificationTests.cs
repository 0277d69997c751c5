using System.Diagnostics;
using System.Globalization;
using System.Net;
using Filecheck.Dashboard.Sharing;
using Filecheck.Sandbox;
using Filecheck.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>
/// One link cannot be turned against the API: views of a share cost Filecheck one call per job for every viewer
/// together, all shares are bounded per minute, and a staff lookup answers meanwhile. Counted at the sandbox, over HTTP.
/// </summary>
public sealed class ShareAmplificationTests
{
    private const int Jobs = 50;
    private const int Views = 200;

    /// <summary>The calls to <c>GET /jobs/{id}</c> (runs or full) the sandbox received for these jobs.</summary>
    private static int JobCalls(SharingApp app, IEnumerable<string> jobIds) => jobIds.Sum(id => app.Sandbox.Requests.Count("/jobs/" + id));

    [Fact]
    public async Task SharePage_200ViewsOfAShareOf50Jobs_CostAtMostOneCallPerJob_WhileAStaffLookupSucceeds()
    {
        await using var app = new SharingApp(new() { ["Sharing:RequestsPerMinute"] = "100000" }, jobCount: 80);
        var (share, jobIds) = await app.ShareManyJobsAsync(Jobs);
        var staff = await app.SignedInClientAsync("staff");
        var staffJob = jobIds[^1];
        var before = JobCalls(app, jobIds);
        var totalBefore = app.Sandbox.Requests.Total;

        var watch = Stopwatch.StartNew();
        var next = 0;
        var statuses = new int[Views];
        var viewers = Enumerable.Range(0, 8).Select(async _ =>
        {
            var customer = app.Anonymous();
            for (int i; (i = Interlocked.Increment(ref next) - 1) < Views;)
            {
                using var response = await customer.GetAsync(ShareUrls.Page(share.Token));
                statuses[i] = (int)response.StatusCode;
            }
        }).ToList();
        // A staff lookup in the middle of it (through the lookup, as the job page does), on the people's pipeline.
        var lookupWatch = Stopwatch.StartNew();
        using var lookup = await staff.GetAsync($"/jobs/{staffJob}/raw.json");
        var lookupMs = lookupWatch.Elapsed.TotalMilliseconds;
        await Task.WhenAll(viewers);
        var elapsed = watch.Elapsed;

        var calls = JobCalls(app, jobIds) - before;
        var total = app.Sandbox.Requests.Total - totalBefore;
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        // One copy per job for every viewer (and one more call for the staff lookup's own job).
        Assert.InRange(calls, Jobs, Jobs + 1);

        ReliabilityReport.Write("share-amplification", string.Create(CultureInfo.InvariantCulture, $"""
            A share of {Jobs} jobs (one file each) viewed {Views} times by 8 concurrent clients from one address, the whole
            dashboard as production runs it, its Filecheck API the sandbox over HTTP; a staff lookup (`/jobs/<id>/raw.json`)
            sent in the middle of it. Asserted: every view answered 200, the lookup answered 200, and the views cost at most
            one `GET /jobs/<id>` per shared job (the shared in-memory copy of each job's runs, `SharedRuns`).

            | figure | value |
            |---|---|
            | page views | {Views} |
            | shared jobs | {Jobs} |
            | upstream calls for those jobs (counted at the sandbox, the staff lookup's one included) | {calls} |
            | upstream calls per page view (without the lookup's) | {(calls - 1) / (double)Views:0.###} |
            | all requests the sandbox received meanwhile | {total} |
            | time for the {Views} views | {elapsed.TotalSeconds:0.0} s |
            | staff lookup during the views | {lookupMs:0} ms, 200 |
            | budget for all shares (`Sharing:UpstreamCallsPerMinute`) | 120 calls a minute |

            Before the shared copy, each view fetched every job's runs fresh: {Views} views of {Jobs} jobs were {Views * Jobs:N0} calls.
            """));
    }

    [Fact]
    public async Task SharePage_SharesBudgetSpent_Answers503TryAgainInAMinute_AndStaffStillLooksUp()
    {
        await using var app = new SharingApp(new() { ["Sharing:UpstreamCallsPerMinute"] = "10" }, jobCount: 80);
        var (share, jobIds) = await app.ShareManyJobsAsync(Jobs);
        var staff = await app.SignedInClientAsync("staff");
        var before = JobCalls(app, jobIds);
        var customer = app.Anonymous();

        for (var i = 0; i < 5; i++)
        {
            using var busy = await customer.GetAsync(ShareUrls.Page(share.Token));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), busy.Headers.RetryAfter?.Delta);
            Assert.Contains("try again in a minute", await busy.Content.ReadAsStringAsync());
        }
        using var image = await customer.GetAsync(ShareUrls.Proof(share.Token, Jobs, 1));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, image.StatusCode);
        using var lookup = await staff.GetAsync($"/jobs/{jobIds[^1]}/raw.json");

        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        // The shares' calls stop at the budget: 10 this minute, whatever the views; the lookup is one more, on its own pipeline.
        Assert.InRange(JobCalls(app, jobIds) - before, 10, 11);
    }

    /// <summary>
    /// The limits as production sets them (nothing raised): one address sends a link's page and proofs past
    /// <c>Sharing:RequestsPerMinute</c> while staff look jobs up. The link answers what the limit allows and refuses the
    /// rest with 429 and Retry-After; every staff lookup answers. Their times, before and during, are reported, not asserted.
    /// </summary>
    [Fact]
    public async Task SharePage_HammeredFromOneAddressPastItsLimit_RefusedWith429_WhileStaffLookupsSucceed()
    {
        await using var app = new SharingApp(extra: null, jobCount: 80);
        var limit = app.Services.GetRequiredService<IOptions<SharingOptions>>().Value.RequestsPerMinute;
        var share = await app.ShareAsync();
        var files = (await app.Shares.OpenAsync(share.Token))!.Files.Count;
        var staff = await app.SignedInClientAsync("staff");
        var listed = await app.Services.GetRequiredService<Filecheck.Api.IFilecheckClient>().ListJobsAsync(40);
        Assert.True(listed.IsSuccess);
        // Each lookup a job not looked up before: a call to Filecheck on the people's pipeline every time.
        var jobs = new Queue<string>(listed.Value.Jobs.Select(j => j.Id).Where(id => id != WellKnownJobs.Warning));
        async Task<(double Ms, HttpStatusCode Status)> LookUpAsync()
        {
            var watch = Stopwatch.StartNew();
            using var response = await staff.GetAsync($"/jobs/{jobs.Dequeue()}/raw.json");
            return (watch.Elapsed.TotalMilliseconds, response.StatusCode);
        }
        var before = new List<(double Ms, HttpStatusCode Status)>();
        for (var i = 0; i < 5; i++) before.Add(await LookUpAsync());

        // Past the limit by a sixth: mostly the page, every fourth request a file's first proof, 8 at a time, one address.
        var sent = limit + limit / 6;
        var next = 0;
        var answers = new (int Status, TimeSpan? RetryAfter)[sent];
        var hammering = Stopwatch.StartNew();
        var hammer = Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var client = app.Anonymous();
            for (int i; (i = Interlocked.Increment(ref next) - 1) < sent;)
            {
                var url = i % 4 != 3 ? ShareUrls.Page(share.Token) : ShareUrls.Proof(share.Token, i / 4 % files + 1, 1);
                using var response = await client.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                answers[i] = ((int)response.StatusCode, response.Headers.RetryAfter?.Delta);
            }
        }));
        var during = new List<(double Ms, HttpStatusCode Status)>();
        do
        {
            during.Add(await LookUpAsync());
        }
        while (!hammer.IsCompleted && jobs.Count > 0);
        await hammer;
        var elapsed = hammering.Elapsed;

        var served = answers.Count(a => a.Status == 200);
        var refused = answers.Count(a => a.Status == 429);
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { 200, 429 }));
        Assert.All(answers.Where(a => a.Status == 429), a => Assert.Equal(TimeSpan.FromSeconds(60), a.RetryAfter));
        Assert.InRange(served, 1, limit);
        Assert.True(refused >= sent - limit, $"{refused} refused of {sent} sent with a limit of {limit}");
        Assert.All(before.Concat(during), l => Assert.Equal(HttpStatusCode.OK, l.Status));

        static string Times(List<(double Ms, HttpStatusCode Status)> lookups)
        {
            var ms = lookups.Select(l => l.Ms).Order().ToList();
            return string.Create(CultureInfo.InvariantCulture, $"{ms.Count}: median {ms[ms.Count / 2]:0} ms, longest {ms[^1]:0} ms, all 200");
        }
        ReliabilityReport.Write("share-hammer", string.Create(CultureInfo.InvariantCulture, $"""
            One address (8 concurrent clients, no cookies) sends {sent:N0} requests to one link, mostly its page and every fourth request the first
            proof of one of its {files} files, with the limits production runs with (`Sharing:RequestsPerMinute` {limit}, `Sharing:UpstreamCallsPerMinute` and
            the staff budgets as shipped), while a staff member looks up jobs (`/jobs/<id>/raw.json`, a job not looked up before
            each time, so a call to Filecheck each) one after another. The whole dashboard as production runs it, its Filecheck
            API the sandbox over HTTP. Asserted: every answer to the link is 200 or 429 with `Retry-After: 60`, at most {limit}
            are 200, the rest are refused, and every staff lookup answers 200. The times are reported, not asserted.

            | figure | value |
            |---|---|
            | requests to the link | {sent:N0} in {elapsed.TotalSeconds:0.0} s |
            | answered 200 | {served:N0} |
            | refused with 429 and Retry-After: 60 | {refused:N0} |
            | staff lookups before the hammering | {Times(before)} |
            | staff lookups during it | {Times(during)} |
            """));
    }
}
