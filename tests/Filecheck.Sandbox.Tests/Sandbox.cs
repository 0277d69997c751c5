using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

/// <summary>A real sandbox on 127.0.0.1 and a plain HttpClient that carries its key.</summary>
public sealed class Sandbox : IAsyncDisposable
{
    private Sandbox(SandboxServer server, ManualClock clock, HttpClient http)
    {
        Server = server;
        Clock = clock;
        Http = http;
    }

    public SandboxServer Server { get; }
    public ManualClock Clock { get; }
    public HttpClient Http { get; }

    public static async Task<Sandbox> StartAsync(Action<SandboxOptions>? configure = null, ManualClock? clock = null)
    {
        clock ??= new ManualClock();
        var options = new SandboxOptions { Clock = clock, Seed = 42, JobCount = 300 };
        configure?.Invoke(options);
        var server = await SandboxServer.StartAsync(options);
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.ApiKey);
        return new Sandbox(server, clock, http);
    }

    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == 200, $"GET {path} -> {status}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
