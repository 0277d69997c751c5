using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

public sealed class WebhookTests
{
    [Fact]
    public async Task CompletedJob_IsPostedSignedWithHeaders()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();

        await using var sb = await Sandbox.StartAsync(o =>
        {
            o.WebhookUrl = new Uri($"http://127.0.0.1:{port}/hook/");
            o.WebhookHeaders["X-Hook-Secret"] = "s3cret";
            o.WebhookSigningSecret = "signing-key";
            o.RunningJobs = 0;
            o.NewJobEvery = null;
        });
        var id = sb.Server.Jobs.CreateRunningJob(1, TimeSpan.FromSeconds(2));
        sb.Clock.Advance(TimeSpan.FromMinutes(10)); // the demo running job and the new one are both finished now

        var received = new Dictionary<string, JsonObject>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!(received.ContainsKey("completed:" + id) && received.ContainsKey("completed:" + WellKnownJobs.Running)))
        {
            var context = await listener.GetContextAsync().WaitAsync(timeout.Token);
            using var reader = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(reader);
            var raw = reader.ToArray();
            Assert.Equal("s3cret", context.Request.Headers["X-Hook-Secret"]);
            // Signed over the timestamp and the body, so that a copy sent again later is refused.
            var timestamp = context.Request.Headers["x-filecheck-timestamp"]!;
            Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("signing-key"), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. raw])),
                context.Request.Headers["x-filecheck-signature"]);
            context.Response.StatusCode = 204;
            context.Response.Close();
            var body = JsonNode.Parse(raw)!.AsObject();
            var kind = body.ContainsKey("taskCount") ? "created" : "completed";
            received[kind + ":" + (string)body["id"]!] = body;
        }

        Assert.True(received.ContainsKey("created:" + id));
        var completed = received["completed:" + id];
        Assert.Equal("done", (string)completed["status"]!);
        Assert.Equal("fixed", (string)completed["outcome"]!);
        Assert.NotNull(completed["finalized"]);
        Assert.Single(completed["taskIds"]!.AsArray());
        var step = completed["tasks"]![0]!["steps"]![0]!.AsObject();
        Assert.False(step.ContainsKey("duration"));
        Assert.NotNull(step["ended"]);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
