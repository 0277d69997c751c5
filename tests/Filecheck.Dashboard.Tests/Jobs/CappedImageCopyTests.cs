using Filecheck.Testing;
using System.Net;
using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>
/// A hostile artifact host and a proxy route using <see cref="CappedImageCopy"/>, both on one real Kestrel on 127.0.0.1,
/// asked over real HTTP: what reaches the browser, or the 502 it gets instead.
/// </summary>
public sealed class CappedImageCopyTests : IAsyncLifetime
{
    private const int Cap = 64 * 1024;
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(500);

    private WebApplication _host = default!;
    private HttpClient _browser = default!;
    private readonly TaskCompletionSource _slowBodyAbandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddHttpClient("upstream");
        _host = builder.Build();

        // The artifact host: each route a way a presigned URL's answer can go wrong.
        _host.MapGet("/artifact/png", () => Results.Bytes(Png(4096), "image/png"));
        _host.MapGet("/artifact/huge-chunked", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/png";
            await ctx.Response.Body.WriteAsync(PngSignature); // no Content-Length: chunked
            var block = new byte[16 * 1024];
            for (var i = 0; i < 64 && !ctx.RequestAborted.IsCancellationRequested; i++)
            {
                await ctx.Response.Body.WriteAsync(block, ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        });
        _host.MapGet("/artifact/slow", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/png";
            await ctx.Response.Body.WriteAsync(PngSignature);
            await ctx.Response.Body.FlushAsync();
            // The rest never comes: the body stalls until the proxy gives up and drops the connection.
            try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); }
            catch (OperationCanceledException) { _slowBodyAbandoned.TrySetResult(); }
        });
        _host.MapGet("/artifact/svg", () => Results.Text("""<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>""", "image/svg+xml"));
        _host.MapGet("/artifact/html", () => Results.Text("<html><script>alert(1)</script></html>", "text/html"));
        _host.MapGet("/artifact/html-as-png", () => Results.Bytes("<html><script>alert(1)</script></html>"u8.ToArray(), "image/png"));

        // The proxy, as the proof route uses it.
        var copy = new CappedImageCopy(Cap, TimeLimit);
        _host.MapGet("/proxy/{name}", async (string name, HttpContext ctx, IHttpClientFactory http) =>
        {
            var self = new Uri(ctx.Request.Scheme + "://" + ctx.Request.Host + "/artifact/" + name);
            using var upstream = await http.CreateClient("upstream").GetAsync(self, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
            var outcome = await copy.CopyAsync(upstream, ctx, r =>
            {
                r.Headers.XContentTypeOptions = "nosniff";
                r.Headers.ContentSecurityPolicy = "sandbox";
            }, ctx.RequestAborted);
            if (outcome != CappedImageOutcome.Ok && !ctx.Response.HasStarted) ctx.Response.StatusCode = StatusCodes.Status502BadGateway;
        });

        _browser = new HttpClient { BaseAddress = await _host.ListenAsync(), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _host.DisposeAsync();
    }

    private static byte[] Png(int length)
    {
        var bytes = new byte[length];
        PngSignature.CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public async Task CopyAsync_Png_PassesTheBytesWithNosniffAndSandbox()
    {
        var response = await _browser.GetAsync("/proxy/png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Png(4096), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("sandbox", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task CopyAsync_ChunkedBodyLargerThanTheCap_IsCutOff_NoWholeAnswerArrives()
    {
        // Streamed, the image has begun when the cap strikes: the connection is cut, so the browser drops what it got.
        var cut = await Record.ExceptionAsync(async () =>
        {
            using var response = await _browser.GetAsync("/proxy/huge-chunked");
            await response.Content.ReadAsByteArrayAsync();
        });

        Assert.IsType<HttpRequestException>(cut, exactMatch: false);
    }

    [Fact]
    public async Task CopyAsync_SlowBody_TimesOutWith502()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var response = await _browser.GetAsync("/proxy/slow");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.InRange(started.Elapsed, TimeLimit, TimeLimit + TimeSpan.FromSeconds(10));
        // The upstream request was dropped, not left open.
        await _slowBodyAbandoned.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("svg")]
    [InlineData("html")]
    [InlineData("html-as-png")]
    public async Task CopyAsync_NotAPngJpegOrWebp_Answers502WithoutTheBody(string name)
    {
        var response = await _browser.GetAsync("/proxy/" + name);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }
}
