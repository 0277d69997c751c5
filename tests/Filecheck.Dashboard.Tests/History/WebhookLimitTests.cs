using System.Net;
using System.Net.Sockets;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// The webhook limit over real HTTP: counted only once the sender proved itself, per sender address, so strangers
/// with a wrong secret cannot hold Filecheck's webhooks back, nor one sender another.
/// </summary>
public sealed class WebhookLimitTests : IAsyncLifetime
{
    private SandboxServer _sandbox = null!;
    private readonly TempStore _db = new();
    private HistoryHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 10, NewJobEvery = null });
        _host = await HistoryHost.StartAsync(_sandbox, _db.File, s => s["History:Webhooks:PerMinute"] = "2");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
        _db.Dispose();
    }

    /// <summary>An HTTP client whose connections come from <paramref name="source"/> (any 127.x address is this machine).</summary>
    private HttpClient From(string source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = _host.BaseAddress };

    private static HttpRequestMessage Genuine() => Webhooks.Request(Webhooks.Completed(WellKnownJobs.Passing));

    [Fact]
    public async Task WrongSecretFlood_DoesNotSpendTheGenuineSendersBudget()
    {
        using var sender = From("127.0.0.1");
        for (var i = 0; i < 10; i++)
        {
            using var forged = await sender.SendAsync(Webhooks.Request(Webhooks.Completed(WellKnownJobs.Passing), secret: "wrong"));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var accepted = await sender.SendAsync(Genuine());
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        using var limited = await sender.SendAsync(Genuine());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotEmpty(limited.Headers.GetValues("Retry-After"));
        Assert.Contains("try again in", await limited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OneSenderOverItsLimit_AnotherAddressIsStillAccepted()
    {
        using var busy = From("127.0.0.1");
        using var other = From("127.0.0.2");
        for (var i = 0; i < 2; i++) (await busy.SendAsync(Genuine())).Dispose();
        using var limited = await busy.SendAsync(Genuine());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        using var accepted = await other.SendAsync(Genuine());

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
