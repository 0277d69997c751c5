using System.Net;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>Customer success answers a comment; the customer reads it on the link; open pages hear of it at once.</summary>
public sealed class AnswerTests(SharingAppFixture app) : AnswerEngineTests(app), IClassFixture<SharingAppFixture>;

/// <summary>The same on a fresh PostgreSQL database of the run's cluster.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class AnswerPostgresTests(PostgresSharingAppFixture app) : AnswerEngineTests(app), IClassFixture<PostgresSharingAppFixture>;

/// <summary>On either engine (<see cref="AnswerTests"/>, <see cref="AnswerPostgresTests"/>).</summary>
public abstract class AnswerEngineTests(SharingApp app)
{
    private ShareComments Comments => app.Services.GetRequiredService<ShareComments>();

    private async Task<(CreatedShare Share, HttpClient Client, long CommentId)> CommentedAsync(string text = "The logo is cut.")
    {
        var share = await app.ShareAsync();
        var client = app.Anonymous(new CookieContainer());
        var form = DashboardApp.FormToken(await client.GetStringAsync(ShareUrls.Page(share.Token)));
        var response = await client.PostAsync(ShareUrls.Comments(share.Token), CommentEngineTests.Form(form, CommentEngineTests.Add(text)));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var id = await app.QueryAsync(db => db.ShareComments.Where(c => c.ShareId == share.Id).Select(c => c.Id).SingleAsync());
        return (share, client, id);
    }

    [Fact]
    public async Task Answer_ByCustomerSuccess_IsAuditedHeardAtOnceAndShownToTheCustomerEscaped()
    {
        var (share, client, id) = await CommentedAsync();
        var heard = new List<ShareChangeEvent>();
        using var _ = app.Services.GetRequiredService<ShareNotifier>().SubscribeChanges(heard.Add);

        var problem = await Comments.AnswerAsync(id, "We moved it <b>3 mm</b> in.", "Casey CS");

        Assert.Null(problem);
        var change = Assert.Single(heard);
        Assert.Equal((share.Id, ShareActions.Answer), (change.ShareId, change.Action));
        Assert.Contains(Filecheck.Sandbox.WellKnownJobs.Warning, change.JobIds);
        var comment = await app.QueryAsync(db => db.ShareComments.AsNoTracking().SingleAsync(c => c.Id == id));
        Assert.Equal(("We moved it <b>3 mm</b> in.", "Casey CS"), (comment.Answer, comment.AnsweredBy));
        Assert.Contains(await app.Shares.AuditTrailAsync(share.Id), a => a.Action == ShareActions.Answer && a.Actor == "Casey CS");
        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.Contains("Answer from Casey CS", page);
        Assert.Contains("We moved it &lt;b&gt;3 mm&lt;/b&gt; in.", page);
        var listed = Assert.Single(await app.Shares.ListAsync(), s => s.Id == share.Id);
        Assert.Equal((1, 0), (listed.Comments.Count, listed.OpenComments));
    }

    [Theory]
    [InlineData("", "Write your answer first.")]
    [InlineData(null, "Write your answer first.")]
    public async Task Answer_Empty_IsRefusedAndChangesNothing(string? text, string message)
    {
        var (_, _, id) = await CommentedAsync();

        Assert.Equal(message, await Comments.AnswerAsync(id, text, "Casey CS"));
        Assert.Null((await app.QueryAsync(db => db.ShareComments.AsNoTracking().SingleAsync(c => c.Id == id))).Answer);
    }

    [Fact]
    public async Task Answer_TooLongUnknownOrOnARevokedLink_IsRefusedAndChangesNothing()
    {
        var (share, _, id) = await CommentedAsync();

        Assert.Contains("too long", await Comments.AnswerAsync(id, new string('a', ShareLimits.MaxComment + 1), "Casey CS"));
        Assert.Contains("no such comment", await Comments.AnswerAsync(id + 100_000, "hello", "Casey CS"));
        await app.Shares.RevokeAsync(share.Id, "Casey CS");
        Assert.Contains("no longer live", await Comments.AnswerAsync(id, "hello", "Casey CS"));
        Assert.Null((await app.QueryAsync(db => db.ShareComments.AsNoTracking().SingleAsync(c => c.Id == id))).Answer);
        Assert.DoesNotContain(await app.Shares.AuditTrailAsync(share.Id), a => a.Action == ShareActions.Answer);
    }
}
