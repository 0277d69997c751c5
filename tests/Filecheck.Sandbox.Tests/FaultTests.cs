using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task RateLimited_Returns429WithRetryAfter_ThenRecovers()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.Faults.RetryAfterSeconds = 7;
        sb.Server.Faults.Next(SandboxFault.RateLimited, times: 2);
        for (var i = 0; i < 2; i++)
        {
            using var r = await sb.Http.GetAsync("/jobs");
            Assert.Equal(429, (int)r.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), r.Headers.RetryAfter!.Delta);
            Assert.True((bool)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!);
        }
        Assert.Equal(200, (await sb.GetAsync("/jobs")).Status);
    }

    [Theory]
    [InlineData(SandboxFault.ServerError, 500)]
    [InlineData(SandboxFault.Unavailable, 503)]
    public async Task ServerFaults_ReturnAppErrorBodies(SandboxFault fault, int status)
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.Faults.Next(fault);
        var (actual, body) = await sb.GetAsync("/jobs/job_demo_passing");
        Assert.Equal(status, actual);
        Assert.True((bool)JsonNode.Parse(body)!["error"]!);
        if (fault == SandboxFault.ServerError) Assert.Equal("""{"error":true,"message":"Internal error"}""", body);
        Assert.Equal(200, (await sb.GetAsync("/jobs/job_demo_passing")).Status);
    }

    [Fact]
    public async Task HtmlBadGateway_Returns502Html()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.Faults.Always(SandboxFault.HtmlBadGateway);
        for (var i = 0; i < 2; i++)
        {
            using var r = await sb.Http.GetAsync("/workflows");
            Assert.Equal(502, (int)r.StatusCode);
            Assert.Equal("text/html", r.Content.Headers.ContentType!.MediaType);
            Assert.Contains("<h1>502 Bad Gateway</h1>", await r.Content.ReadAsStringAsync());
        }
        sb.Server.Faults.Clear();
        Assert.Equal(200, (await sb.GetAsync("/workflows")).Status);
    }

    [Fact]
    public async Task MalformedJson_Returns200WithUnparseableJson()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.Faults.Next(SandboxFault.MalformedJson);
        using var r = await sb.Http.GetAsync("/jobs/job_demo_passing");
        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
        var body = await r.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"job\":", body);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public async Task TruncatedBody_PromisesTheWholeBody_SendsHalf_ThenDrops()
    {
        await using var sb = await Sandbox.StartAsync();
        var whole = (await sb.GetAsync("/jobs/job_demo_passing")).Body;
        sb.Server.Faults.Next(SandboxFault.TruncatedBody);

        using var r = await sb.Http.GetAsync("/jobs/job_demo_passing", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(whole), r.Content.Headers.ContentLength);
        var received = new MemoryStream();
        var error = await Record.ExceptionAsync(async () => await (await r.Content.ReadAsStreamAsync()).CopyToAsync(received));
        Assert.IsAssignableFrom<IOException>(error is HttpRequestException h ? h.InnerException ?? h : error);
        Assert.InRange(received.Length, 1, System.Text.Encoding.UTF8.GetByteCount(whole) - 1);
        Assert.Equal(200, (await sb.GetAsync("/jobs/job_demo_passing")).Status);
    }

    [Fact]
    public async Task StopListening_RefusesConnections_ListenAgain_ServesTheSameAddressAndJobs()
    {
        await using var sb = await Sandbox.StartAsync();
        var before = (await sb.GetAsync("/jobs/job_demo_failing")).Body;

        await sb.Server.StopListeningAsync();
        Assert.False(sb.Server.IsListening);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => sb.Http.GetAsync("/jobs/job_demo_failing"));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, Assert.IsType<System.Net.Sockets.SocketException>(refused.InnerException).SocketErrorCode);

        await sb.Server.ListenAgainAsync();
        Assert.True(sb.Server.IsListening);
        Assert.Equal((200, before), await sb.GetAsync("/jobs/job_demo_failing"));
    }

    [Fact]
    public async Task Hang_NeverAnswers_UntilTheClientGivesUp()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.Faults.Next(SandboxFault.Hang);
        using var impatient = new HttpClient { BaseAddress = sb.Server.BaseAddress, Timeout = TimeSpan.FromMilliseconds(400) };
        impatient.DefaultRequestHeaders.Authorization = new("Bearer", sb.Server.ApiKey);
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync("/jobs"));
        Assert.Equal(200, (await sb.GetAsync("/jobs")).Status); // the queue had one hang only
    }

    [Fact]
    public async Task Latency_DelaysApiButNotFiles()
    {
        await using var sb = await Sandbox.StartAsync();
        var url = (string)(await sb.GetJsonAsync($"/jobs/{WellKnownJobs.Passing}?expand=runs"))["runs"]![0]!["proofs"]![0]!["url"]!;
        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode); // warm, so the timing below is the fault's alone
        var latency = TimeSpan.FromMilliseconds(1500);
        sb.Server.Faults.Latency = latency;

        var api = Stopwatch.StartNew();
        Assert.Equal(200, (await sb.GetAsync("/jobs?limit=1")).Status);
        Assert.True(api.Elapsed >= latency - TimeSpan.FromMilliseconds(10), $"the API answered in {api.ElapsedMilliseconds} ms");

        var file = Stopwatch.StartNew();
        using (var proof = await anonymous.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
            Assert.NotEmpty(await proof.Content.ReadAsByteArrayAsync());
        }
        Assert.True(file.Elapsed < latency, $"a file under latency took {file.ElapsedMilliseconds} ms");

        sb.Server.Faults.Always(SandboxFault.ServerError);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode); // files are never faulted
    }

    [Fact]
    public async Task ControlEndpoints_SetAndClearFaults_AndCountRequests()
    {
        await using var sb = await Sandbox.StartAsync();
        using (var set = await sb.Http.PostAsJsonAsync("/_sandbox/faults", new { fault = "ServerError", times = 1 }))
            Assert.Equal(200, (int)set.StatusCode);
        Assert.Equal(500, (await sb.GetAsync("/jobs/job_demo_running")).Status);
        Assert.Equal(200, (await sb.GetAsync("/jobs/job_demo_running")).Status);

        using (var always = await sb.Http.PostAsJsonAsync("/_sandbox/faults", new { fault = "unavailable", always = true }))
            Assert.Equal(200, (int)always.StatusCode);
        Assert.Equal(503, (await sb.GetAsync("/jobs")).Status);
        using (var clear = await sb.Http.DeleteAsync("/_sandbox/faults")) Assert.Equal(200, (int)clear.StatusCode);
        Assert.Equal(200, (await sb.GetAsync("/jobs")).Status);

        using (var bad = await sb.Http.PostAsJsonAsync("/_sandbox/faults", new { fault = "Meteor" }))
            Assert.Equal(400, (int)bad.StatusCode);

        Assert.Equal(2, sb.Server.Requests.Count("/jobs/job_demo_running"));
        Assert.Equal(2, sb.Server.Requests.Count("/jobs"));
        sb.Server.Requests.Reset();
        Assert.Equal(0, sb.Server.Requests.Count("/jobs"));
    }
}
