using System.Net;
using System.Text.Json;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The proof route of the whole dashboard, fetching from its built-in sandbox over real HTTP.</summary>
public sealed class ProofEndpointTests : IAsyncLifetime
{
    private readonly DashboardApp _app = new("Development", DashboardApp.DemoSettings());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Proof_SandboxPng_IsServedWithNosniffAndASandboxPolicy()
    {
        var client = await _app.SignedInClientAsync("staff");
        using var raw = JsonDocument.Parse(await client.GetStringAsync($"/jobs/{WellKnownJobs.Warning}/raw.json"));
        var taskIds = raw.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();

        HttpResponseMessage? proof = null;
        foreach (var taskId in taskIds)
        {
            proof = await client.GetAsync($"/jobs/{WellKnownJobs.Warning}/files/{taskId}/proofs/1");
            if (proof.StatusCode != HttpStatusCode.NotFound) break;
        }

        Assert.NotNull(proof);
        Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
        Assert.Equal("image/png", proof.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], (await proof.Content.ReadAsByteArrayAsync())[..4]);
        Assert.Equal("nosniff", Assert.Single(proof.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains(proof.Headers.GetValues("Content-Security-Policy"), p => p == "sandbox");
    }
}
