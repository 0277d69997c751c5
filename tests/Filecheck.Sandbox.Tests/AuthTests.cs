using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

public sealed class AuthTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("sk_test_wrong")]
    [InlineData("")]
    public async Task MissingOrWrongKey_Returns401GatewayShape(string? key)
    {
        await using var sb = await Sandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = sb.Server.BaseAddress };
        if (key is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        foreach (var path in new[] { "/jobs", "/jobs/job_demo_passing", "/workflows/", "/_sandbox" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(401, (int)response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal("Unauthorized", (string)body["message"]!);
            Assert.False(body.ContainsKey("error"));
        }
    }

    [Fact]
    public async Task PublishableKey_Returns403GatewayShape()
    {
        await using var sb = await Sandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = sb.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pk_test_abc");
        using var response = await http.GetAsync("/jobs");
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("""{"message":"Forbidden"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownJob_Returns404AppShape_BadIdReturns400()
    {
        await using var sb = await Sandbox.StartAsync();
        var (status, body) = await sb.GetAsync("/jobs/job_01zzzzzzzzzzzzzzzzzzzzzzzz");
        Assert.Equal(404, status);
        Assert.Equal("""{"error":true,"message":"Job not found: job_01zzzzzzzzzzzzzzzzzzzzzzzz"}""", body);

        (status, _) = await sb.GetAsync("/jobs/job-with.dots");
        Assert.Equal(400, status);
        (status, _) = await sb.GetAsync("/jobs/job_demo_passing?expand=everything");
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task GeneratedKey_LooksLikeATestSecretKey_AndConfiguredKeyIsUsed()
    {
        await using var generated = await Sandbox.StartAsync();
        Assert.Matches("^sk_test_sandbox_[0-9a-f]+$", generated.Server.ApiKey);
        await using var configured = await Sandbox.StartAsync(o => o.ApiKey = "sk_test_mine");
        Assert.Equal("sk_test_mine", configured.Server.ApiKey);
        Assert.Equal(200, (await configured.GetAsync("/jobs?limit=1")).Status);
    }
}
