using System.Net;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>/healthz and /readyz on real Kestrel: anonymous, the status word only, 503 while the store does not answer.</summary>
public sealed class HealthEndpointTests : IAsyncLifetime
{
    private readonly TempStore _temp = new("fc-health-");
    private DashboardApp _dashboard = default!;
    private HttpClient _http = default!;

    public Task InitializeAsync()
    {
        _dashboard = new DashboardApp("Development", new()
        {
            ["Auth:Mode"] = "Demo",
            ["Sandbox:JobCount"] = "20",
            ["History:DatabasePath"] = _temp.File,
            ["History:Sync:Enabled"] = "false",
        }).StartOnKestrel();
        var address = _dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _dashboard.DisposeAsync();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Probe_Anonymous_200WithTheStatusWordOnly(string path)
    {
        var response = await WaitForAsync(path, HttpStatusCode.OK);

        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "");
    }

    [Fact]
    public async Task Readyz_StoreUnreachable_503ThenBackTo200_WhileHealthzStays200()
    {
        await WaitForAsync("/readyz", HttpStatusCode.OK);
        var folder = Path.GetDirectoryName(_temp.File)!;
        var away = folder + ".away";

        // The store's folder gone (and the pool's open files let go): no connection can open the database.
        Directory.Move(folder, away);
        SqliteConnection.ClearAllPools();
        try
        {
            var down = await WaitForAsync("/readyz", HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            Directory.Move(away, folder);
        }

        var up = await WaitForAsync("/readyz", HttpStatusCode.OK);
        Assert.Equal("Healthy", await up.Content.ReadAsStringAsync());
    }

    /// <summary>Asks until the answer has <paramref name="status"/> (the readiness probe is cached for a second or two).</summary>
    private async Task<HttpResponseMessage> WaitForAsync(string path, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var response = await _http.GetAsync(path);
            if (response.StatusCode == status) return response;
            Assert.True(DateTime.UtcNow < deadline, $"{path} answered {(int)response.StatusCode}, not {(int)status}, for 20 s");
            await Task.Delay(100);
        }
    }
}
