using System.Net;
using System.Text.RegularExpressions;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>The approval form as a customer's browser posts it: once, final, and never without its antiforgery token.</summary>
public sealed class ApprovalTests(SharingAppFixture app) : ApprovalEngineTests(app), IClassFixture<SharingAppFixture>;

/// <summary>The same on a fresh PostgreSQL database of the run's cluster.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class ApprovalPostgresTests(PostgresSharingAppFixture app) : ApprovalEngineTests(app), IClassFixture<PostgresSharingAppFixture>;

/// <summary>On either engine (<see cref="ApprovalTests"/>, <see cref="ApprovalPostgresTests"/>).</summary>
public abstract class ApprovalEngineTests(SharingApp app)
{
    /// <summary>Opens the page (which sets the antiforgery cookie) and returns a client and the form's token.</summary>
    private async Task<(HttpClient Client, string FormToken)> OpenAsync(string token)
    {
        var client = app.Anonymous(new CookieContainer());
        var html = await client.GetStringAsync(ShareUrls.Page(token));
        return (client, DashboardApp.FormToken(html));
    }

    private static FormUrlEncodedContent Form(string? antiforgery, int file, string decision, string? name = "Ada Customer", string? note = null)
    {
        var fields = new Dictionary<string, string> { ["file"] = file.ToString(), ["decision"] = decision };
        if (antiforgery is not null) fields["__RequestVerificationToken"] = antiforgery;
        if (name is not null) fields["name"] = name;
        if (note is not null) fields["note"] = note;
        return new FormUrlEncodedContent(fields);
    }

    private Task<List<ShareDecisionRecord>> DecisionsAsync(long shareId) =>
        app.QueryAsync(db => db.ShareDecisions.AsNoTracking().Where(d => d.ShareId == shareId).ToListAsync());

    private static string Decide(string token) => $"/s/{token}/decide";

    [Fact]
    public async Task Decide_FirstPost_IsRecordedWithNameAndTime_AndShownOnThePage()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        var response = await client.PostAsync(Decide(share.Token), Form(form, 1, ShareDecisions.Approved));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var decision = Assert.Single(await DecisionsAsync(share.Id));
        Assert.Equal((1, ShareDecisions.Approved, "Ada Customer"), (decision.Position, decision.Decision, decision.Name));
        Assert.True(DateTimeOffset.UtcNow - decision.At < TimeSpan.FromMinutes(1));
        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.Contains("Approved</strong>", page);
        Assert.Contains("by Ada Customer", page);
        Assert.Contains(await app.Shares.AuditTrailAsync(share.Id), a => a.Action == ShareActions.Decision && a.Detail!.Contains("Ada Customer"));
    }

    [Fact]
    public async Task Decide_SecondPost_ChangesNothing()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);
        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync(Decide(share.Token), Form(form, 1, ShareDecisions.Approved))).StatusCode);

        var second = await client.PostAsync(Decide(share.Token), Form(form, 1, ShareDecisions.ChangesRequested, "Someone Else", "make it red"));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var decision = Assert.Single(await DecisionsAsync(share.Id));
        Assert.Equal((ShareDecisions.Approved, "Ada Customer", (string?)null), (decision.Decision, decision.Name, decision.Note));
    }

    [Fact]
    public async Task Decide_WithoutTheAntiforgeryToken_ChangesNothing()
    {
        var share = await app.ShareAsync();
        var (client, _) = await OpenAsync(share.Token);

        var forged = await client.PostAsync(Decide(share.Token), Form(null, 1, ShareDecisions.Approved));
        var wrong = await client.PostAsync(Decide(share.Token), Form("CfDJ8forged", 1, ShareDecisions.Approved));
        // A token from another browser (another cookie) is no better.
        var (_, otherForm) = await OpenAsync(share.Token);
        var crossed = await app.Anonymous().PostAsync(Decide(share.Token), Form(otherForm, 1, ShareDecisions.Approved));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);
        Assert.Empty(await DecisionsAsync(share.Id));
    }

    [Fact]
    public async Task Decide_AfterRevokeOrExpiry_ChangesNothing()
    {
        var revoked = await app.ShareAsync();
        var (revokedClient, revokedForm) = await OpenAsync(revoked.Token);
        var expired = await app.ShareAsync();
        var (expiredClient, expiredForm) = await OpenAsync(expired.Token);
        await app.Shares.RevokeAsync(revoked.Id, "Casey CS");
        await app.ExpireAsync(expired.Id);

        var afterRevoke = await revokedClient.PostAsync(Decide(revoked.Token), Form(revokedForm, 1, ShareDecisions.Approved));
        var afterExpiry = await expiredClient.PostAsync(Decide(expired.Token), Form(expiredForm, 1, ShareDecisions.Approved));

        Assert.Equal(HttpStatusCode.NotFound, afterRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterExpiry.StatusCode);
        Assert.Empty(await DecisionsAsync(revoked.Id));
        Assert.Empty(await DecisionsAsync(expired.Id));
    }

    [Theory]
    [InlineData(ShareDecisions.ChangesRequested, "Ada", null, "Say what should change.")]
    [InlineData(ShareDecisions.Approved, "   ", null, "Type your name to confirm.")]
    [InlineData("maybe", "Ada", null, "Choose Approve or Request changes.")]
    public async Task Decide_IncompleteForm_SaysWhyAndChangesNothing(string decision, string name, string? note, string message)
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        var response = await client.PostAsync(Decide(share.Token), Form(form, 1, decision, name, note));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
        Assert.Empty(await DecisionsAsync(share.Id));
    }

    [Fact]
    public async Task Decide_ConcurrentPosts_RecordExactlyOne()
    {
        var share = await app.ShareAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            app.Shares.DecideAsync(share.Token, 1, i % 2 == 0 ? ShareDecisions.Approved : ShareDecisions.ChangesRequested, $"Person {i}", "note " + i)));

        Assert.Single(attempts, a => a.Outcome == DecisionOutcome.Recorded);
        Assert.Single(await DecisionsAsync(share.Id));
    }

    [Fact]
    public async Task Decide_MarkupInNameAndNote_IsEscapedOnThePage()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);
        await client.PostAsync(Decide(share.Token), Form(form, 1, ShareDecisions.ChangesRequested, "<b>Ada</b>", "<script>alert('x')</script> & more"));

        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));

        Assert.DoesNotContain("<script>alert", page);
        Assert.DoesNotContain("<b>Ada</b>", page);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more", page);
        Assert.Matches(new Regex("&lt;b&gt;Ada&lt;/b&gt;"), page);
    }
}
