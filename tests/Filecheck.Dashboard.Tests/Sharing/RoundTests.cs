using System.Globalization;
using System.Net;
using System.Security.Claims;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>A corrected job added to the same link as round 2: beside round 1, with what changed, approved on its own.</summary>
public sealed class RoundTests(SharingAppFixture app) : RoundEngineTests(app), IClassFixture<SharingAppFixture>;

/// <summary>The same on a fresh PostgreSQL database of the run's cluster.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class RoundPostgresTests(PostgresSharingAppFixture app) : RoundEngineTests(app), IClassFixture<PostgresSharingAppFixture>;

/// <summary>On either engine (<see cref="RoundTests"/>, <see cref="RoundPostgresTests"/>).</summary>
public abstract class RoundEngineTests(SharingApp app)
{
    private static readonly ClaimsPrincipal Casey = new(new ClaimsIdentity([new Claim("oid", "casey-oid"), new Claim("name", "Casey CS")], "test", "name", "roles"));

    private async Task<string?> AddRoundAsync(long shareId, string jobId, int position = 1)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ShareRounds>().AddAsync(shareId, position, jobId, Casey);
    }

    private Task<int> RoundCountAsync(long shareId) => app.QueryAsync(db => db.ShareRounds.CountAsync(r => r.ShareId == shareId));

    private async Task<(HttpClient Client, string Form)> OpenAsync(string token)
    {
        var client = app.Anonymous(new CookieContainer());
        return (client, DashboardApp.FormToken(await client.GetStringAsync(ShareUrls.Page(token))));
    }

    private static FormUrlEncodedContent Decision(string form, string round, string decision, string? note = null) =>
        CommentEngineTests.Form(form, new Dictionary<string, string?> { ["file"] = "1", ["round"] = round, ["decision"] = decision, ["name"] = "Ada", ["note"] = note });

    [Fact]
    public async Task AddRound_Added_IsAnnouncedOnTheBusForPagesOnOtherInstances()
    {
        var share = await app.ShareAsync(WellKnownJobs.Warning, j => j.Tasks!.Take(1));
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var _ = app.Services.GetRequiredService<Filecheck.Dashboard.Data.IStoreBus>().Subscribe(Filecheck.Dashboard.Data.BusTopics.ShareDecision, heard.Enqueue);

        Assert.Null(await AddRoundAsync(share.Id, WellKnownJobs.Fixed));

        // IDs only (the share and what happened): the other instances re-read the round from the store.
        Assert.Contains(heard, payload => payload.EndsWith($":{share.Id}:{ShareActions.Round}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddRound_AfterChangesWereAsked_ShowsBothRoundsWithWhatChanged_AndApprovingRound2ClosesTheFile()
    {
        var share = await app.ShareAsync(WellKnownJobs.Warning, j => j.Tasks!.Take(1));
        var (client, form) = await OpenAsync(share.Token);
        await client.PostAsync(ShareUrls.Comments(share.Token), CommentEngineTests.Form(form, CommentEngineTests.Add("Too dark here.", x: "0.3", y: "0.4")));
        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync(ShareUrls.Decide(share.Token), Decision(form, "1", ShareDecisions.ChangesRequested, "See the pin."))).StatusCode);

        var expiresBefore = (await app.Shares.GetAsync(share.Id))!.ExpiresAt;

        var problem = await AddRoundAsync(share.Id, WellKnownJobs.Fixed);

        Assert.Null(problem);
        var round = await app.QueryAsync(db => db.ShareRounds.AsNoTracking().SingleAsync(r => r.ShareId == share.Id));
        Assert.Equal((2, WellKnownJobs.Fixed, "business-card.pdf", "Casey CS"), (round.Round, round.JobId, round.Name, round.AddedBy));
        var listed = (await app.Shares.ListAsync()).Single(s => s.Id == share.Id);
        Assert.Equal((ShareState.Awaiting, expiresBefore), (listed.State, listed.ExpiresAt));
        Assert.Contains(await app.Shares.AuditTrailAsync(share.Id), a => a.Action == ShareActions.Round && a.Actor == "Casey CS" && a.Detail!.Contains("round 2"));

        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.Contains("data-testid=\"share-round-current\"", page);
        Assert.Contains("data-testid=\"share-round-previous\"", page);
        Assert.Contains("What changed since round 1", page);
        Assert.Contains("The result was Warnings in round 1; it is Fixed now.", page);
        Assert.Contains("Solved: ", page);
        Assert.Contains("Corrected automatically: ", page);
        // Round 1's pin stays on round 1's proof, which is still served.
        Assert.Contains("left:30%;top:40%", page);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ShareUrls.Proof(share.Token, 1, 1, 1))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ShareUrls.Proof(share.Token, 1, 3, 1))).StatusCode);

        // Round 1 is closed; round 2 takes comments and its own decision.
        form = DashboardApp.FormToken(page);
        var stale = await client.PostAsync(ShareUrls.Decide(share.Token), Decision(form, "1", ShareDecisions.Approved));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("round is closed", await stale.Content.ReadAsStringAsync());
        var staleComment = await client.PostAsync(ShareUrls.Comments(share.Token), CommentEngineTests.Form(form, CommentEngineTests.Add("late", round: "1")));
        Assert.Equal(HttpStatusCode.BadRequest, staleComment.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync(ShareUrls.Decide(share.Token), Decision(form, "2", ShareDecisions.Approved))).StatusCode);

        var decisions = await app.QueryAsync(db => db.ShareDecisions.AsNoTracking().Where(d => d.ShareId == share.Id).OrderBy(d => d.Round).ToListAsync());
        Assert.Equal([(1, ShareDecisions.ChangesRequested), (2, ShareDecisions.Approved)], decisions.Select(d => (d.Round, d.Decision)));
        Assert.Equal(ShareState.Approved, (await app.Shares.ListAsync()).Single(s => s.Id == share.Id).State);
        Assert.Contains("closed", await AddRoundAsync(share.Id, WellKnownJobs.Passing));
        Assert.Equal(1, await RoundCountAsync(share.Id));
    }

    [Theory]
    [InlineData("not a job", "")]
    [InlineData(WellKnownJobs.Running, "still running")]
    [InlineData(WellKnownJobs.Passing, "has no file named")]
    [InlineData(WellKnownJobs.Warning, "already round 1")]
    [InlineData("job_does_not_exist", "")]
    public async Task AddRound_AJobThatCannotBeTheNextRound_IsRefusedWithAReasonAndChangesNothing(string jobId, string reason)
    {
        var share = await app.ShareAsync(WellKnownJobs.Warning, j => j.Tasks!.Take(1));
        var auditBefore = (await app.Shares.AuditTrailAsync(share.Id)).Count;

        var problem = await AddRoundAsync(share.Id, jobId);

        Assert.False(string.IsNullOrWhiteSpace(problem));
        Assert.Contains(reason, problem);
        Assert.Equal(0, await RoundCountAsync(share.Id));
        Assert.Equal(auditBefore, (await app.Shares.AuditTrailAsync(share.Id)).Count);
    }

    [Fact]
    public async Task AddRound_OnARevokedOrExpiredLink_IsRefused()
    {
        var revoked = await app.ShareAsync(WellKnownJobs.Warning, j => j.Tasks!.Take(1));
        var expired = await app.ShareAsync(WellKnownJobs.Warning, j => j.Tasks!.Take(1));
        await app.Shares.RevokeAsync(revoked.Id, "Casey CS");
        await app.ExpireAsync(expired.Id);

        Assert.Contains("revoked or expired", await AddRoundAsync(revoked.Id, WellKnownJobs.Fixed));
        Assert.Contains("revoked or expired", await AddRoundAsync(expired.Id, WellKnownJobs.Fixed));
        Assert.Equal((0, 0), (await RoundCountAsync(revoked.Id), await RoundCountAsync(expired.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync(ShareUrls.Proof(revoked.Token, 1, 1, 1))).StatusCode);
    }
}
