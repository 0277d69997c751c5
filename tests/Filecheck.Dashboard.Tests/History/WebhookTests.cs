using Filecheck.Dashboard.Tests.Support;
using System.Net;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Tests.History;

public sealed class WebhookTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    public static TheoryData<string, string?, string?, string?, HttpStatusCode> Refused => new()
    {
        // name, secret, signing secret, explicit signature, expected
        { "no secret", null, HistoryHost.SigningSecret, null, HttpStatusCode.Unauthorized },
        { "wrong secret", "not-the-secret", HistoryHost.SigningSecret, null, HttpStatusCode.Unauthorized },
        { "secret differing in the last character", HistoryHost.WebhookSecret[..^1] + "X", HistoryHost.SigningSecret, null, HttpStatusCode.Unauthorized },
        { "no signature", HistoryHost.WebhookSecret, null, null, HttpStatusCode.Unauthorized },
        { "signed with another key", HistoryHost.WebhookSecret, "another-signing-secret", null, HttpStatusCode.Unauthorized },
        { "signature not hex", HistoryHost.WebhookSecret, null, new string('z', 64), HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Post_Unauthenticated_401AndNothingChanges(string name, string? secret, string? signingSecret, string? signature, HttpStatusCode expected)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        sandbox.Server.Requests.Reset();

        using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed(WellKnownJobs.Failing), secret, signingSecret, signature));

        Assert.True(expected == response.StatusCode, name);
        await AssertNothingChanged(host);
    }

    [Fact]
    public async Task Post_OversizedBody_413AndNothingChanges()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        sandbox.Server.Requests.Reset();
        var padding = new string('x', 70 * 1024);
        var body = Webhooks.Completed(WellKnownJobs.Failing).Replace("\"domainIdx\":42", $"\"domainIdx\":42,\"pad\":\"{padding}\"");

        using var response = await host.Http.SendAsync(Webhooks.Request(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingChanged(host);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"id\":\"job_demo_failing\",\"taskIds\":[]")]
    [InlineData("[\"job_demo_failing\"]")]
    [InlineData("{\"taskIds\":[],\"finalized\":\"2026-07-29T10:15:41.000Z\"}")]
    [InlineData("{\"id\":\"../../etc/passwd\",\"taskIds\":[]}")]
    [InlineData("{\"id\":\"https://admin.filecheck.io/jobs/job_demo_failing\",\"taskIds\":[]}")]
    [InlineData("{\"id\":42,\"taskIds\":[]}")]
    [InlineData("{\"id\":\"job_demo_failing\",\"hello\":\"no event shape\"}")]
    public async Task Post_MalformedBody_400AndNothingChanges(string body)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        sandbox.Server.Requests.Reset();

        using var response = await host.Http.SendAsync(Webhooks.Request(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingChanged(host);
    }

    [Fact]
    public async Task Post_AuthenticatedCompleted_RefetchesTheJobAndIgnoresTheBody()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        sandbox.Server.Requests.Reset();

        // The body claims a pass for a failing job, and a forged order: neither may reach the store.
        using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed(WellKnownJobs.Failing, outcome: "pass")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, sandbox.Server.Requests.Count("/jobs/" + WellKnownJobs.Failing));
        var row = await host.QueryAsync(db => db.Jobs.SingleAsync(j => j.Id == WellKnownJobs.Failing));
        var real = sandbox.Server.Jobs.Get(WellKnownJobs.Failing)!;
        Assert.Equal(real.Outcome, row.Outcome);
        Assert.NotEqual("pass", row.Outcome);
        Assert.NotEqual("order_forged", row.OrderId);
        Assert.True(row.HasDetails);
        Assert.Equal(real.Tasks!.Sum(t => t.Steps!.Count), await host.QueryAsync(db => db.Steps.CountAsync(s => s.JobId == row.Id)));
        Assert.Equal("webhook", await host.QueryAsync(db => db.Snapshots.Where(s => s.JobId == row.Id).Select(s => s.Source).SingleAsync()));
    }

    [Fact]
    public async Task Post_AuthenticatedCreated_StoresTheJobOnceWhateverTheRepeats()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Created(WellKnownJobs.Passing)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(1, await host.QueryAsync(db => db.Snapshots.CountAsync()));
    }

    [Fact]
    public async Task Post_UnknownJob_404AndNothingChanges()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);

        using var response = await host.Http.SendAsync(Webhooks.Request(Webhooks.Completed("job_doesnotexist0000000000")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
    }

    private async Task AssertNothingChanged(HistoryHost host)
    {
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(0, await host.QueryAsync(db => db.Snapshots.CountAsync()));
        Assert.Equal(0, await host.QueryAsync(db => db.Steps.CountAsync()));
        // Not even a fetch: a refused webhook costs Filecheck nothing.
        Assert.Equal(0, sandbox.Server.Requests.Total);
    }
}
