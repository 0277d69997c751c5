using System.Globalization;
using System.Net;
using CsCheck;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>Comments pinned on proofs, posted as the customer's browser posts them: with or without the page's script.</summary>
public sealed class CommentTests(SharingAppFixture app) : CommentEngineTests(app), IClassFixture<SharingAppFixture>;

/// <summary>The same on a fresh PostgreSQL database of the run's cluster.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class CommentPostgresTests(PostgresSharingAppFixture app) : CommentEngineTests(app), IClassFixture<PostgresSharingAppFixture>;

/// <summary>On either engine (<see cref="CommentTests"/>, <see cref="CommentPostgresTests"/>).</summary>
public abstract class CommentEngineTests(SharingApp app)
{
    private async Task<(HttpClient Client, string FormToken)> OpenAsync(string token)
    {
        var client = app.Anonymous(new CookieContainer());
        var html = await client.GetStringAsync(ShareUrls.Page(token));
        return (client, DashboardApp.FormToken(html));
    }

    internal static FormUrlEncodedContent Form(string? antiforgery, IDictionary<string, string?> fields)
    {
        var all = fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!);
        if (antiforgery is not null) all["__RequestVerificationToken"] = antiforgery;
        return new FormUrlEncodedContent(all);
    }

    internal static Dictionary<string, string?> Add(string text, string? x = "0.25", string? y = "0.75", int file = 1, string? round = "1", string proof = "1") =>
        new() { ["file"] = file.ToString(CultureInfo.InvariantCulture), ["round"] = round, ["proof"] = proof, ["x"] = x, ["y"] = y, ["text"] = text, ["action"] = "add" };

    private Task<List<ShareCommentRecord>> CommentsAsync(long shareId) =>
        app.QueryAsync(db => db.ShareComments.AsNoTracking().Where(c => c.ShareId == shareId).OrderBy(c => c.Id).ToListAsync());

    [Fact]
    public async Task Comment_PinnedOnAProof_IsStoredAsFractionsAndShownAsANumberedPin()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        var response = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("The logo here is cut.")));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var comment = Assert.Single(await CommentsAsync(share.Id));
        Assert.Equal((1, 1, 1, 0.25, 0.75, "The logo here is cut."), (comment.Position, comment.Round, comment.Proof, comment.X!.Value, comment.Y!.Value, comment.Text));
        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.Contains("left:25%;top:75%", page);
        Assert.Contains("The logo here is cut.", page);
        Assert.Contains("pinned 25 % across, 75 % down", page);
        Assert.Contains(await app.Shares.AuditTrailAsync(share.Id), a => a.Action == ShareActions.Comment && a.Detail!.Contains("The logo here is cut."));
    }

    [Fact]
    public async Task Comment_WithoutScript_IsAPlainCommentOnTheProof()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        // What the form posts when no script filled the pin's fields.
        var response = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("Colours look dull.", x: "", y: "")));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var comment = Assert.Single(await CommentsAsync(share.Id));
        Assert.Null(comment.X);
        Assert.Null(comment.Y);
        Assert.Contains("the whole proof", await client.GetStringAsync(ShareUrls.Page(share.Token)));
    }

    [Fact]
    public async Task Comment_EditAndRemove_ChangeTheCustomersOwnUntilTheyDecide()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);
        await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("first")));
        await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("second")));
        var (first, second) = ((await CommentsAsync(share.Id))[0], (await CommentsAsync(share.Id))[1]);

        var edit = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, new Dictionary<string, string?>
            { ["file"] = "1", ["round"] = "1", ["action"] = "edit", ["comment"] = first.Id.ToString(CultureInfo.InvariantCulture), ["text"] = "first, said better" }));
        var remove = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, new Dictionary<string, string?>
            { ["file"] = "1", ["round"] = "1", ["action"] = "remove", ["comment"] = second.Id.ToString(CultureInfo.InvariantCulture) }));

        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (edit.StatusCode, remove.StatusCode));
        var left = Assert.Single(await CommentsAsync(share.Id));
        Assert.Equal("first, said better", left.Text);
        Assert.NotNull(left.EditedAt);
        var trail = await app.Shares.AuditTrailAsync(share.Id);
        Assert.Contains(trail, a => a.Action == ShareActions.CommentEdit);
        Assert.Contains(trail, a => a.Action == ShareActions.CommentRemove && a.Detail!.Contains("second"));

        // Decided: the comments of that round are closed.
        Assert.Equal(DecisionOutcome.Recorded, (await app.Shares.DecideAsync(share.Token, 1, ShareDecisions.ChangesRequested, "Ada", "see pins")).Outcome);
        var late = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, new Dictionary<string, string?>
            { ["file"] = "1", ["round"] = "1", ["action"] = "edit", ["comment"] = left.Id.ToString(CultureInfo.InvariantCulture), ["text"] = "changed after" }));
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("already answered", await late.Content.ReadAsStringAsync());
        Assert.Equal("first, said better", Assert.Single(await CommentsAsync(share.Id)).Text);
    }

    private sealed record Hostile(string What, Dictionary<string, string?> Fields, string Message);

    /// <summary>Long text, markup, positions outside 0..1 or not numbers, a round that is not current, a proof or file that is not there.</summary>
    private static readonly Gen<Hostile> HostileForms = Gen.OneOf(
        Gen.Char['a', 'z'].Array[ShareLimits.MaxComment + 1, ShareLimits.MaxComment * 3].Select(c => new Hostile("long text", Add(new string(c)), "too long")),
        Gen.Double.Where(d => !(d >= 0 && d <= 1)).Select(d => new Hostile("x outside", Add("here", x: d.ToString("R", CultureInfo.InvariantCulture)), "proof")),
        Gen.Double.Where(d => !(d >= 0 && d <= 1)).Select(d => new Hostile("y outside", Add("here", y: d.ToString("R", CultureInfo.InvariantCulture)), "proof")),
        Gen.OneOf("NaN", "-Infinity", "1e400", "0,5", "½", "<b>0.5</b>", "0x1").Select(x => new Hostile("x not a number", Add("here", x: x), "could not be read")),
        Gen.Int[2, 1000].Select(r => new Hostile("round not current", Add("here", round: r.ToString(CultureInfo.InvariantCulture)), "round is closed")),
        Gen.OneOf("0", "-1", "abc", "").Select(r => new Hostile("round not a round", Add("here", round: r), "round is closed")),
        Gen.Int[400, ShareLimits.MaxProofIndex].Select(p => new Hostile("proof not there", Add("here", proof: p.ToString(CultureInfo.InvariantCulture)), "no such proof")),
        Gen.OneOf("0", "-1", "abc", "", "501", "99999999999").Select(p => new Hostile("proof not a proof", Add("here", proof: p), "Choose the proof")),
        Gen.Int[3, 10_000].Select(f => new Hostile("file not there", Add("here", file: f), "no such file")),
        Gen.OneOf(" ", "\r\n\t", "").Select(t => new Hostile("empty", Add(t), "Write your comment")));

    [Fact]
    public async Task Comment_HostileInput_IsRefusedWithAMessageAndChangesNothing()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);
        var auditBefore = (await app.Shares.AuditTrailAsync(share.Id)).Count(a => a.Action != ShareActions.View);

        foreach (var hostile in HostileForms.Array[40].Single())
        {
            var response = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, hostile.Fields));

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{hostile.What}: {(int)response.StatusCode}");
            Assert.Contains(hostile.Message, await response.Content.ReadAsStringAsync());
        }
        Assert.Empty(await CommentsAsync(share.Id));
        Assert.Equal(auditBefore, (await app.Shares.AuditTrailAsync(share.Id)).Count(a => a.Action != ShareActions.View));
    }

    [Fact]
    public async Task Comment_MarkupInText_IsEscapedOnThePage()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("<script>alert('x')</script><img src=x onerror=alert(1)>")));

        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.DoesNotContain("<script>alert", page);
        Assert.DoesNotContain("<img src=x", page);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", page);
    }

    [Fact]
    public async Task Comment_WithoutAntiforgeryOrOnARevokedLink_ChangesNothing()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        var forged = await client.PostAsync(ShareUrls.Comments(share.Token), Form(null, Add("forged")));
        var crossed = await app.Anonymous().PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("other browser")));
        await app.Shares.RevokeAsync(share.Id, "Casey CS");
        var revoked = await client.PostAsync(ShareUrls.Comments(share.Token), Form(form, Add("after revoke")));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(SharePublicResponses.NotFoundBody, await revoked.Content.ReadAsByteArrayAsync());
        Assert.Empty(await CommentsAsync(share.Id));
    }

    [Fact]
    public async Task Decide_ARoundThatIsNotCurrent_IsRefusedAndChangesNothing()
    {
        var share = await app.ShareAsync();
        var (client, form) = await OpenAsync(share.Token);

        var response = await client.PostAsync(ShareUrls.Decide(share.Token), Form(form, new Dictionary<string, string?>
            { ["file"] = "1", ["round"] = "2", ["decision"] = ShareDecisions.Approved, ["name"] = "Ada" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("round is closed", await response.Content.ReadAsStringAsync());
        Assert.Empty(await app.QueryAsync(db => db.ShareDecisions.Where(d => d.ShareId == share.Id).ToListAsync()));
    }
}
