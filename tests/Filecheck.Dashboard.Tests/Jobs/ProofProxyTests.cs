using Filecheck.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>
/// A Filecheck-compatible API with its own artifact host on 127.0.0.1: each proof URL it mints goes wrong in one way
/// (a signature that has expired, a redirect, a page that is no image), and it counts what was fetched.
/// </summary>
public sealed class ArtifactUpstream : IAsyncDisposable
{
    public const string JobId = "job_01proofproxy00000000000000";
    public const string TaskId = "task_01proof0000000000000000";
    internal static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

    private readonly WebApplication _app;
    private int _runs;
    private int _redirectTargetHits;
    private long _hugeBytesSent;
    private volatile bool _hugeSentWhole;
    private volatile bool _hugeDone;

    /// <summary>64 KB chunks of the endless proof: 2 GB in all.</summary>
    public const int HugeChunks = 32 * 1024;

    /// <summary>Bytes of the endless proof written before its reader stopped.</summary>
    public long HugeBytesSent => Interlocked.Read(ref _hugeBytesSent);

    /// <summary>Whether the endless proof was read to its end (the cap did not hold).</summary>
    public bool HugeSentWhole => _hugeSentWhole;

    /// <summary>Whether the endless proof's handler has returned (written it all, or failed to write on).</summary>
    public bool HugeDone => _hugeDone;

    private readonly TaskCompletionSource _slowGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _slowStarted;

    /// <summary>Bytes of the slow proof: its first chunk is sent at once, the second once <see cref="ReleaseSlow"/> is called.</summary>
    public const int SlowChunk = 64 * 1024;

    /// <summary>Requests for the slow proof that have sent their first chunk.</summary>
    public int SlowStarted => Volatile.Read(ref _slowStarted);

    public void ReleaseSlow() => _slowGate.TrySetResult();

    private ArtifactUpstream(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary><c>GET /jobs/{id}?expand=runs</c> answered so far: each mints new URLs (signature <c>v1</c>, <c>v2</c>, …).</summary>
    public int RunsRequests => Volatile.Read(ref _runs);

    /// <summary>Requests that reached where the redirecting proof pointed.</summary>
    public int RedirectTargetHits => Volatile.Read(ref _redirectTargetHits);

    public static async Task<ArtifactUpstream> StartAsync()
    {
        var app = LoopbackApp.Create();
        var upstream = new ArtifactUpstream(app);
        app.MapGet("/jobs/{id}", (string id, HttpContext ctx) =>
        {
            if (id != JobId) return Results.Text("""{"error":true,"message":"Job not found"}""", "application/json", statusCode: 404);
            if (ctx.Request.Query["expand"] != "runs")
            {
                var job = new JsonObject { ["id"] = JobId, ["status"] = "done", ["outcome"] = "pass", ["tasks"] = new JsonArray(new JsonObject { ["id"] = TaskId, ["status"] = "done", ["outcome"] = "pass" }) };
                return Results.Text(new JsonObject { ["job"] = job }.ToJsonString(), "application/json");
            }
            var sig = "v" + Interlocked.Increment(ref upstream._runs);
            var files = upstream.BaseAddress + "files/";
            return Results.Text(new JsonObject
            {
                ["id"] = JobId, ["status"] = "done", ["outcome"] = "pass",
                ["runs"] = new JsonArray(new JsonObject
                {
                    ["id"] = TaskId, ["name"] = "card.pdf", ["outcome"] = "pass", ["status"] = "done", ["hasOutput"] = true,
                    ["proofs"] = new JsonArray(
                        new JsonObject { ["url"] = files + "expiring.png?sig=" + sig },
                        new JsonObject { ["url"] = files + "redirect.png?sig=" + sig },
                        new JsonObject { ["url"] = files + "page.png?sig=" + sig },
                        new JsonObject { ["url"] = files + "huge.png?sig=" + sig },
                        new JsonObject { ["url"] = files + "slow.png?sig=" + sig },
                        new JsonObject { ["url"] = files + "lying.png?sig=" + sig }),
                    ["downloadUrl"] = files + "card-out.pdf?sig=" + sig,
                }),
            }.ToJsonString(), "application/json");
        });
        // The first URLs minted have expired by the time they are used; later ones work.
        app.MapGet("/files/expiring.png", (string sig) => sig == "v1"
            ? Results.Text("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", "application/xml", statusCode: 403)
            : Results.Bytes(Png, "image/png"));
        app.MapGet("/files/redirect.png", (HttpContext ctx) => Results.Redirect(upstream.BaseAddress + "files/target.png"));
        app.MapGet("/files/target.png", () =>
        {
            Interlocked.Increment(ref upstream._redirectTargetHits);
            return Results.Bytes(Png, "image/png");
        });
        // A PNG in two chunks with a pause between them that the test ends: a proxy that streams has sent the first by then.
        app.MapGet("/files/slow.png", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/png";
            ctx.Response.ContentLength = 2 * SlowChunk;
            var chunk = new byte[SlowChunk];
            Png.CopyTo(chunk, 0);
            await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            Interlocked.Increment(ref upstream._slowStarted);
            await upstream._slowGate.Task.WaitAsync(ctx.RequestAborted);
            await ctx.Response.Body.WriteAsync(new byte[SlowChunk], ctx.RequestAborted);
        });
        // A page that says it is a PNG: only its first bytes tell.
        app.MapGet("/files/lying.png", () => Results.Text("<html><body><script>alert(1)</script></body></html>", "image/png"));
        app.MapGet("/files/page.png", () => Results.Text("<html><body><script>alert(1)</script></body></html>", "text/html"));
        // A PNG that never ends: chunked (no Content-Length), written until its reader goes away (or 2 GB).
        app.MapGet("/files/huge.png", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/png";
            var chunk = new byte[64 * 1024];
            Png.CopyTo(chunk, 0);
            try
            {
                for (var i = 0; i < HugeChunks && !ctx.RequestAborted.IsCancellationRequested; i++)
                {
                    await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
                    Interlocked.Add(ref upstream._hugeBytesSent, chunk.Length);
                    chunk.AsSpan(0, 8).Clear();
                    // Once the reader hangs up, Kestrel drops writes at once and queues the abort to the thread pool:
                    // yield so it can run, or this loop spins through its 2 GB first.
                    await Task.Yield();
                }
                upstream._hugeSentWhole = !ctx.RequestAborted.IsCancellationRequested;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The reader went away: what the test wants to see.
            }
            finally
            {
                upstream._hugeDone = true;
            }
        });
        upstream.BaseAddress = await app.ListenAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The dashboard as production runs it, its Filecheck API and artifact host the <see cref="ArtifactUpstream"/>.</summary>
public sealed class ArtifactUpstreamApp(ArtifactUpstream upstream, Dictionary<string, string?>? extra = null) : ProductionApp(new Dictionary<string, string?>(extra ?? [])
{
    ["Filecheck:BaseUrl"] = upstream.BaseAddress.ToString(),
    ["Filecheck:ApiKey"] = "sk_test_artifact_upstream",
})
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Proofs and downloads come from the upstream's own origin, as the sandbox mode allows for its own.
        builder.ConfigureTestServices(services => services.PostConfigure<ArtifactOptions>(o => o.OnlyOrigin = upstream.BaseAddress));
    }
}

/// <summary>The staff proof route (<c>/jobs/{id}/files/{task}/proofs/{n}</c>) over the whole app and real HTTP to the artifact host.</summary>
public sealed class ProofProxyTests : IAsyncLifetime
{
    private ArtifactUpstream _upstream = default!;
    private ArtifactUpstreamApp _app = default!;
    private HttpClient _staff = default!;

    public async Task InitializeAsync()
    {
        _upstream = await ArtifactUpstream.StartAsync();
        _app = new ArtifactUpstreamApp(_upstream);
        _staff = await _app.SignedInClientAsync("staff");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static string Proof(int n) => $"/jobs/{ArtifactUpstream.JobId}/files/{ArtifactUpstream.TaskId}/proofs/{n}";

    [Fact]
    public async Task Proof_SignatureExpired_AsksFilecheckForFreshUrlsOnce_AndServesTheImage()
    {
        using var response = await _staff.GetAsync(Proof(1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        // v1 was refused by the artifact host; the URLs were minted again (v2) and that one served the image.
        Assert.Equal(2, _upstream.RunsRequests);
    }

    [Fact]
    public async Task Proof_ArtifactHostRedirects_IsNotFollowed_502()
    {
        using var response = await _staff.GetAsync(Proof(2));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, _upstream.RedirectTargetHits);
        Assert.Equal(2, _upstream.RunsRequests); // a 3xx is a failure: fresh URLs once, then no more
    }

    [Fact]
    public async Task Proof_NotAnImage_502WithoutTheBody()
    {
        using var response = await _staff.GetAsync(Proof(3));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Proof_ChunkedBodyOverTheCap_IsCutOff_TheUpstreamIsCutOffLongBeforeItsEnd()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode? status = null;
        long received = 0;
        // Streamed, the image has begun when the cap strikes: the connection is cut, so no browser keeps a partial image.
        var cut = await Record.ExceptionAsync(async () =>
        {
            using var response = await _staff.GetAsync(Proof(4));
            status = response.StatusCode;
            received = (await response.Content.ReadAsByteArrayAsync()).LongLength;
        });
        var answeredAfter = clock.Elapsed;

        Assert.True(cut is not null || status != HttpStatusCode.OK, $"a whole answer of {received:N0} bytes with {status}");
        // The proxy stopped reading at its 20 MB cap and hung up: the artifact host saw its reader go.
        await WaitUntilAsync(() => _upstream.HugeDone);
        Assert.False(_upstream.HugeSentWhole, $"{_upstream.HugeBytesSent:N0} bytes sent, the whole endless proof");
        Assert.True(_upstream.HugeBytesSent >= CappedImageCopy.DefaultMaxBytes, $"{_upstream.HugeBytesSent:N0} bytes sent");
        // Cut off near the cap (socket buffers hold a few MB more), not after hundreds of MB of a 2 GB body...
        Assert.True(_upstream.HugeBytesSent < 64L * 1024 * 1024, $"{_upstream.HugeBytesSent:N0} bytes sent before the proxy hung up");
        // ...and by the cap, not by the copy's time limit running out.
        Assert.True(answeredAfter < CappedImageCopy.DefaultTimeLimit / 2, $"answered after {answeredAfter.TotalSeconds:F1} s; the time limit is {CappedImageCopy.DefaultTimeLimit.TotalSeconds} s");
        Console.WriteLine($"endless proof: {_upstream.HugeBytesSent:N0} bytes written before the proxy hung up");
    }

    [Fact]
    public async Task Proof_LargeImage_IsStreamed_TheFirstBytesArriveBeforeTheArtifactHostHasSentTheRest()
    {
        using var headers = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            // Buffered whole, the answer could not start before the artifact host sent its last byte; it waits for the test.
            using var response = await _staff.GetAsync(Proof(5), HttpCompletionOption.ResponseHeadersRead, headers.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            var first = new byte[8];
            await body.ReadExactlyAsync(first);
            Assert.Equal(ArtifactUpstream.Png[..8], first);
            _upstream.ReleaseSlow();
            var rest = new MemoryStream();
            await body.CopyToAsync(rest);
            Assert.Equal(2 * ArtifactUpstream.SlowChunk, 8 + rest.Length);
        }
        finally
        {
            _upstream.ReleaseSlow();
        }
    }

    [Fact]
    public async Task Proof_MoreImagesAtOnceThanTheBytesInFlightAllow_TheLastWaitsForAChunk_AndAllArrive()
    {
        // Two 64 KB chunks for every proof relayed together.
        await using var app = new ArtifactUpstreamApp(_upstream, new() { ["Limits:ProofBytesInFlight"] = "131072" });
        var staff = await app.SignedInClientAsync("staff");
        var copy = app.Services.GetRequiredService<CappedImageCopy>();
        try
        {
            var requests = Enumerable.Range(0, 3).Select(_ => staff.GetAsync(Proof(5))).ToList();
            // Two relays hold their chunk while the artifact host pauses; the third is still waiting for one.
            await WaitUntilAsync(() => _upstream.SlowStarted >= 2);
            Assert.Equal(2, copy.PeakInFlight);
            _upstream.ReleaseSlow();
            foreach (var request in requests)
            {
                using var response = await request;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(2 * ArtifactUpstream.SlowChunk, (await response.Content.ReadAsByteArrayAsync()).Length);
            }
            Assert.Equal(2, copy.PeakInFlight);
        }
        finally
        {
            _upstream.ReleaseSlow();
        }
    }

    [Fact]
    public async Task ShareProof_LabelledPngButHtml_502WithoutTheBody_AsOnTheStaffRoute()
    {
        var created = await _app.Services.GetRequiredService<Filecheck.Dashboard.Sharing.ShareLinkService>().CreateAsync(
            new Filecheck.Dashboard.Sharing.ShareRequest { Files = [new(ArtifactUpstream.JobId, ArtifactUpstream.TaskId, "card.pdf")] }, "Casey CS");
        Assert.Null(created.Error);
        var customer = _app.NewClient();

        using var lying = await customer.GetAsync(Filecheck.Dashboard.Sharing.ShareUrls.Proof(created.Share!.Token, 1, 6));
        using var labelledHtml = await customer.GetAsync(Filecheck.Dashboard.Sharing.ShareUrls.Proof(created.Share.Token, 1, 3));

        Assert.Equal(HttpStatusCode.BadGateway, lying.StatusCode);
        Assert.DoesNotContain("<script>", await lying.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadGateway, labelledHtml.StatusCode);
    }

    [Fact]
    public async Task Proof_LabelledPngButHtml_502WithoutTheBody()
    {
        using var response = await _staff.GetAsync(Proof(6));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Download_RedirectsToAFreshlySignedUrlEachTime()
    {
        var locations = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await _staff.GetAsync($"/jobs/{ArtifactUpstream.JobId}/files/{ArtifactUpstream.TaskId}/download");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            locations.Add(response.Headers.Location!);
        }

        // Straight to the artifact host, never through a cached URL: each download minted its own.
        Assert.All(locations, l => Assert.Equal(new Uri(_upstream.BaseAddress, "files/card-out.pdf").GetLeftPart(UriPartial.Path), l.GetLeftPart(UriPartial.Path)));
        Assert.Equal(["?sig=v1", "?sig=v2"], locations.Select(l => l.Query));
        Assert.Equal(2, _upstream.RunsRequests);
    }
}
