using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The README's webhook modes over real HTTP: no secret, secret only, secret and signature, and Filecheck down.</summary>
public sealed class WebhookModeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("anything")]
    public async Task Post_NoSecretConfigured_RefusesEveryWebhook(string? sent)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s =>
        {
            s["History:Webhooks:Secret"] = null;
            s["History:Webhooks:SigningSecret"] = null;
        });
        sandbox.Server.Requests.Reset();

        using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed(WellKnownJobs.Failing), secret: sent, signingSecret: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(0, sandbox.Server.Requests.Total);
    }

    [Fact]
    public async Task Post_SecretOnlyConfigured_AcceptsAnUnsignedWebhook()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:Webhooks:SigningSecret"] = null);

        using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed(WellKnownJobs.Failing), signingSecret: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await host.QueryAsync(db => db.Jobs.AnyAsync(j => j.Id == WellKnownJobs.Failing && j.HasDetails)));
    }

    [Theory]
    [InlineData("sha256=")]
    [InlineData("SHA256=")]
    public async Task Post_SignatureWithTheSha256Prefix_IsAccepted(string prefix)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var body = Webhooks.Completed(WellKnownJobs.Warning);
        var hex = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HistoryHost.SigningSecret), Encoding.UTF8.GetBytes(body)));

        using var signed = await host.Http.SendAsync(Webhooks.Request(body, signature: prefix + hex));
        using var wrong = await host.Http.SendAsync(Webhooks.Request(body, signature: prefix + new string('0', 64)));

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Post_FilecheckDown_Answers202Queued_AndTheNextSyncFetchesTheJob()
    {
        using var temp = new TempStore();
        // A job is re-checked once its last fetch is an interval old: a short interval stands for "a while later".
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:Sync:Interval"] = "00:00:00.001");
        Assert.Null((await host.LookUpAsync(WellKnownJobs.Fixed, "Sam Staff")).Problem);
        sandbox.Server.Faults.Always(SandboxFault.Unavailable);
        try
        {
            using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed(WellKnownJobs.Fixed)));

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<WebhookIntake.WebhookAnswer>();
            Assert.Equal((WellKnownJobs.Fixed, "queued"), (answer!.Id, answer.Result));
            // Marked for the sync: its details are fetched again once Filecheck answers.
            Assert.False(await host.QueryAsync(db => db.Jobs.Where(j => j.Id == WellKnownJobs.Fixed).Select(j => j.HasDetails).SingleAsync()));
        }
        finally
        {
            sandbox.Server.Faults.Clear();
        }

        sandbox.Server.Requests.Reset();
        var run = await host.NewRunner().RunOnceAsync();

        Assert.True(run.Completed, run.Failure?.Message);
        Assert.True(sandbox.Server.Requests.Count("/jobs/" + WellKnownJobs.Fixed) >= 1);
        Assert.True(await host.QueryAsync(db => db.Jobs.Where(j => j.Id == WellKnownJobs.Fixed).Select(j => j.HasDetails).SingleAsync()));
    }
}
