using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Filecheck.Dashboard.Tests.Jobs.Checks;

/// <summary>The dashboard's upload route with its built-in sandbox over HTTP: streamed on, sized first, refused plainly.</summary>
public sealed class CheckUploadTests(ITestOutputHelper output)
{
    private const long Limit = 60L * 1024 * 1024;

    private static DashboardApp App(params (string Key, string Value)[] extra)
    {
        var settings = DashboardApp.DemoSettings();
        settings["Checks:MaxUploadBytes"] = Limit.ToString();
        foreach (var (k, v) in extra) settings[k] = v;
        return new DashboardApp("Development", settings);
    }

    private static async Task<(HttpClient Client, string Token)> SignIn(DashboardApp app, string user = "staff")
    {
        var client = await app.SignedInClientAsync(user);
        var home = await client.GetStringAsync("/");
        return (client, DashboardApp.FormToken(home));
    }

    /// <summary>A body of <paramref name="length"/> bytes made as it is read, so the test holds none of it either.</summary>
    private sealed class Generated(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = (byte)((_position + i) % 251);
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body that sends its first kilobyte, then waits for <paramref name="gate"/> before the rest.</summary>
    private sealed class Held(long length, Task gate) : Stream
    {
        private readonly Generated _inner = new(length);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1024));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_inner.Position >= 1024) await gate.WaitAsync(ct);
            var chunk = new byte[Math.Min(buffer.Length, 1024)];
            var n = _inner.Read(chunk, 0, chunk.Length);
            chunk.AsMemory(0, n).CopyTo(buffer);
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static HttpRequestMessage Upload(string token, long length, string name = "card.pdf", Stream? body = null)
    {
        var content = new StreamContent(body ?? new Generated(length), 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        content.Headers.ContentLength = length;
        var request = new HttpRequestMessage(HttpMethod.Post, CheckUploadEndpoint.Path + "?name=" + Uri.EscapeDataString(name)) { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        return request;
    }

    private static int UploadsAsked(DashboardApp app) =>
        app.Services.GetRequiredService<SandboxRun>().Server.Requests.Count("/uploads");

    [Fact]
    public async Task Upload_50MegabyteFile_StreamsThroughToFilecheck()
    {
        await using var app = App();
        var (client, token) = await SignIn(app);
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);

        using var response = await client.SendAsync(Upload(token, 50L * 1024 * 1024));

        var answer = await response.Content.ReadFromJsonAsync<CheckUploadEndpoint.UploadAnswer>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("upload_", answer!.FileRef);
        Assert.Equal(1, UploadsAsked(app));
        var growth = Process.GetCurrentProcess().WorkingSet64 - before;
        var managed = GC.GetTotalMemory(forceFullCollection: false) - managedBefore;
        // Reported, not asserted: the figure depends on the machine; it should be far below the file's 50 MB.
        output.WriteLine($"50 MB upload: working set grew {growth / 1048576.0:0.0} MB, managed heap {managed / 1048576.0:0.0} MB (test, dashboard and sandbox in one process)");
    }

    [Fact]
    public async Task Upload_OverTheLimit_IsRefusedBeforeFilecheckIsAsked()
    {
        await using var app = App();
        var (client, token) = await SignIn(app);

        using var response = await client.SendAsync(Upload(token, Limit + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<CheckUploadEndpoint.UploadAnswer>();
        Assert.Contains("Filecheck takes files up to 60 MB", answer!.Message);
        Assert.Equal(0, UploadsAsked(app));
    }

    [Fact]
    public async Task Upload_WithoutTheAntiforgeryToken_ChangesNothing()
    {
        await using var app = App();
        var (client, _) = await SignIn(app);

        using var response = await client.SendAsync(Upload("forged", 1024));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, UploadsAsked(app));
    }

    [Fact]
    public async Task Upload_CredentialsThatRunOut_AnswerExpiredSoThePageCanRenewOnce()
    {
        await using var app = App(("Sandbox:UploadLifetime", "00:00:00.001"));
        var (client, token) = await SignIn(app);

        using var response = await client.SendAsync(Upload(token, 4096));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<CheckUploadEndpoint.UploadAnswer>();
        Assert.True(answer!.Expired);
        Assert.Contains("ran out", answer.Message);
    }

    [Fact]
    public async Task Upload_ManagerWithoutRunChecks_IsRefused()
    {
        await using var app = App();
        var (client, token) = await SignIn(app, "manager");

        using var response = await client.SendAsync(Upload(token, 1024));

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"got {(int)response.StatusCode}");
        Assert.Equal(0, UploadsAsked(app));
    }

    [Fact]
    public async Task Upload_PastTheHourlyCheckBudget_Is429AndFilecheckIsNotAsked()
    {
        await using var app = App(("Checks:PerUserPerHour", "2"));
        var (client, token) = await SignIn(app);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await client.SendAsync(Upload(token, 1024));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var response = await client.SendAsync(Upload(token, 1024));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var answer = await response.Content.ReadFromJsonAsync<CheckUploadEndpoint.UploadAnswer>();
        Assert.Contains("many checks in the last hour", answer!.Message);
        Assert.Equal(2, UploadsAsked(app));
    }

    [Fact]
    public async Task Upload_MoreAtOnceThanAllowedForOnePerson_TheExtraIs429_TheFirstStillArrives()
    {
        await using var app = App(("Checks:UploadsInFlightPerUser", "1"));
        var (client, token) = await SignIn(app);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var first = client.SendAsync(Upload(token, 64 * 1024, body: new Held(64 * 1024, gate.Task)));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (UploadsAsked(app) < 1 && !first.IsCompleted)
            {
                Assert.True(DateTime.UtcNow < deadline, "the first upload never asked Filecheck for credentials");
                await Task.Delay(20);
            }

            using var second = await client.SendAsync(Upload(token, 1024));

            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Contains("uploads on their way", (await second.Content.ReadFromJsonAsync<CheckUploadEndpoint.UploadAnswer>())!.Message);
            gate.SetResult();
            using var done = await first;
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            Assert.Equal(1, UploadsAsked(app));
        }
        finally
        {
            gate.TrySetResult();
        }
    }
}
