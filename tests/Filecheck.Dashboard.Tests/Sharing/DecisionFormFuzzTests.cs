using System.Net;
using System.Text;
using CsCheck;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Dashboard.Tests.Fuzz;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>
/// <c>POST /s/{token}/decide</c> with a live token and a valid form token, fuzzed over names, notes, file positions and
/// decisions, each post sent up to three times at once: never a 500, never two decisions for one file, and never a
/// decision on a link revoked or expired meanwhile. The whole app over HTTP, its store a real SQLite file.
/// </summary>
public sealed class DecisionFormFuzzTests
{
    private sealed record Post(string File, string? Decision, string? Name, string? Note, int Copies);

    /// <summary>Percent-encodes UTF-8 (lone surrogates become U+FFFD, as a browser sends them).</summary>
    private static ByteArrayContent Form(string antiforgery, Post post)
    {
        var fields = new List<(string, string)> { ("__RequestVerificationToken", antiforgery), ("file", post.File) };
        if (post.Decision is not null) fields.Add(("decision", post.Decision));
        if (post.Name is not null) fields.Add(("name", post.Name));
        if (post.Note is not null) fields.Add(("note", post.Note));
        var body = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            if (body.Length > 0) body.Append('&');
            body.Append(key).Append('=');
            foreach (var b in new UTF8Encoding(false, false).GetBytes(value))
            {
                if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~') body.Append((char)b);
                else body.Append('%').Append(b.ToString("X2"));
            }
        }
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body.ToString()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    [Fact]
    public async Task Decide_FuzzedRepeatedAndConcurrentPosts_NeverA500_NeverTwoDecisionsForAFile_NoneOnAGoneLink()
    {
        await using var app = new SharingApp();
        var live = await app.ShareAsync();
        var revoked = await app.ShareAsync();
        var expired = await app.ShareAsync();
        var files = app.Sandbox.Jobs.Get(Filecheck.Sandbox.WellKnownJobs.Warning)!.Tasks!.Count;
        var customer = app.Anonymous(new CookieContainer());
        var antiforgery = DashboardApp.FormToken(await customer.GetStringAsync(ShareUrls.Page(live.Token)));
        var goneForms = new List<(CreatedShare Share, string Token)>();
        foreach (var gone in new[] { revoked, expired })
        {
            goneForms.Add((gone, DashboardApp.FormToken(await customer.GetStringAsync(ShareUrls.Page(gone.Token)))));
        }
        Assert.Null(await app.Shares.RevokeAsync(revoked.Id, "Casey CS"));
        await app.ExpireAsync(expired.Id);

        var names = Gen.Frequency((3, Gen.OneOf("Ada Customer", "  Ada  ", "Zoë", "李雷")), (3, NastyInput.Text), (1, Gen.Const((string?)null).Select(_ => "")));
        var notes = Gen.Frequency((2, Gen.Const("")), (2, Gen.OneOf("Make the logo bigger.", "<b>red</b>")), (3, NastyInput.Text),
            (1, Gen.Int[1990, 2010].Select(n => new string('x', n))));
        var positions = Gen.Frequency((6, Gen.Int[-1, files + 2].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))), (2, NastyInput.NumberLike), (1, NastyInput.Text));
        var decisions = Gen.Frequency((4, Gen.OneOf(ShareDecisions.Approved, ShareDecisions.ChangesRequested)), (1, NastyInput.Text));
        var posts = Gen.Select(positions, decisions, names, notes, Gen.Int[1, 3], (f, d, n, o, c) => new Post(f, d, n, o, c)).Array[150].Single();

        var statuses = new List<(Post Post, int Status)>();
        foreach (var post in posts)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, post.Copies).Select(async _ =>
            {
                using var response = await customer.PostAsync($"/s/{live.Token}/decide", Form(antiforgery, post));
                return (int)response.StatusCode;
            }));
            statuses.AddRange(answers.Select(s => (post, s)));
        }
        // A valid answer for every file on the links that went: each refused, nothing written.
        var goneStatuses = new List<int>();
        foreach (var (gone, token) in goneForms)
        {
            for (var position = 1; position <= files; position++)
            {
                using var response = await customer.PostAsync($"/s/{gone.Token}/decide",
                    Form(token, new Post(position.ToString(System.Globalization.CultureInfo.InvariantCulture), ShareDecisions.Approved, "Ada Customer", null, 1)));
                goneStatuses.Add((int)response.StatusCode);
            }
        }

        Assert.All(statuses, s => Assert.True(s.Status < 500, $"{s.Status} for file '{s.Post.File}', decision '{s.Post.Decision}'"));
        Assert.All(goneStatuses, s => Assert.Equal(404, s));
        var decided = await app.QueryAsync(db => db.ShareDecisions.AsNoTracking().ToListAsync());
        var onLive = decided.Where(d => d.ShareId == live.Id).ToList();
        Assert.DoesNotContain(decided, d => d.ShareId == revoked.Id || d.ShareId == expired.Id);
        Assert.Equal(onLive.Count, onLive.Select(d => d.Position).Distinct().Count());
        // One recorded answer per "see other": a second post for a file, even at the same instant, was refused.
        Assert.Equal(onLive.Count, statuses.Count(s => s.Status == 303));
        Assert.All(onLive, d => Assert.InRange(d.Position, 1, files));
        Assert.All(onLive, d => Assert.InRange(d.Name.Length, 1, ShareLimits.MaxName));
        Assert.True(onLive.Count > 0, "no fuzzed post was a valid answer: the generators miss the form");
    }
}
