using System.Diagnostics;
using System.Globalization;
using System.Net;
using Filecheck.Dashboard.Sharing;
using Filecheck.Testing;

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
}
