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
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

    private readonly WebApplication _app;
    private int _runs;
    private int _redirectTargetHits;

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
                        new JsonObject { ["url"] = files + "page.png?sig=" + sig }),
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
        app.MapGet("/files/page.png", () => Results.Text("<html><body><script>alert(1)</script></body></html>", "text/html"));
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
public sealed class ArtifactUpstreamApp(ArtifactUpstream upstream) : ProductionApp(new Dictionary<string, string?>
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
