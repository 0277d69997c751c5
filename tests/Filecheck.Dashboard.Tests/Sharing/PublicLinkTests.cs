using Filecheck.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Filecheck.Dashboard.Sharing;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Sharing;

public sealed class SharingAppFixture() : SharingApp();

/// <summary>The same app on a fresh PostgreSQL database of the run's cluster, dropped with the class.</summary>
public sealed class PostgresSharingAppFixture : SharingApp
{
    private readonly PostgresDatabase _database;

    public PostgresSharingAppFixture() : this(new PostgresDatabase())
    {
    }

    private PostgresSharingAppFixture(PostgresDatabase database) : base(EngineStore.OnPostgres(database.ConnectionString)) => _database = database;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
        EngineStore.RemoveReadAuditFolder(_database.ConnectionString);
    }
}

/// <summary>The public routes over the whole app on a SQLite file, and where the token is at rest.</summary>
public sealed class PublicLinkTests(SharingAppFixture app) : PublicLinkEngineTests(app), IClassFixture<SharingAppFixture>
{
    [Fact]
    public async Task TokenAtRest_OnlyItsHashIsInTheDatabaseFile()
    {
        var share = await App.ShareAsync();
        var file = await App.QueryAsync(db => Task.FromResult(db.Database.GetDbConnection().DataSource));
        var bytes = new List<byte>();
        foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
        {
            // Read while the app holds the file open: share the handle.
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[stream.Length];
            await stream.ReadExactlyAsync(buffer);
            bytes.AddRange(buffer);
        }
        var all = bytes.ToArray();

        Assert.Equal(-1, all.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(share.Token)));
        Assert.NotEqual(-1, all.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(ShareToken.Hash(share.Token))));
    }
}

/// <summary>The same routes, counters, revoke, extend and audit pruning with the app's store on PostgreSQL.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class PublicLinkPostgresTests(PostgresSharingAppFixture app) : PublicLinkEngineTests(app), IClassFixture<PostgresSharingAppFixture>;

/// <summary>The public routes over the whole app: headers, the one 404, fresh images, downloads, revoke and extend (on either engine).</summary>
public abstract class PublicLinkEngineTests(SharingApp app)
{
    protected SharingApp App => app;

    private static readonly string[] PrivacyHeaders = ["Cache-Control", "X-Robots-Tag", "Referrer-Policy", "X-Content-Type-Options"];

    private static void AssertPrivate(HttpResponseMessage response)
    {
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        Assert.Contains("noindex", string.Join(",", response.Headers.GetValues("X-Robots-Tag")));
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private static async Task<(int Status, string Headers, byte[] Body)> SnapshotAsync(HttpResponseMessage response) =>
        ((int)response.StatusCode,
            string.Join("\n", response.Headers.Concat(response.Content.Headers).Where(h => h.Key != "Date")
                .OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + ": " + string.Join(",", h.Value))),
            await response.Content.ReadAsByteArrayAsync());

    [Fact]
    public async Task Page_LiveLink_ShowsEveryProofWithPrivacyHeadersAndNoSignIn()
    {
        var share = await app.ShareAsync(note: "Please check the bleed.");
        var response = await app.Anonymous().GetAsync(ShareUrls.Page(share.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPrivate(response);
        var html = await response.Content.ReadAsStringAsync();
        var job = app.Sandbox.Jobs.Get(WellKnownJobs.Warning)!;
        foreach (var task in job.Tasks!) Assert.Contains(System.Net.WebUtility.HtmlEncode(task.DisplayName), html);
        Assert.Contains("Please check the bleed.", html);
        Assert.Contains("Warnings", html);
        Assert.Contains("UTC (in 7 days)", html);
        // Static rendering: no circuit is started for the customer.
        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", html);
        Assert.DoesNotContain(app.Sandbox.ApiKey, html);
    }

    [Fact]
    public async Task Proof_AfterTheSandboxsSignedUrlsExpired_StillServesAWorkingImage()
    {
        var share = await app.ShareAsync();
        var client = app.Anonymous();
        var first = await client.GetAsync(ShareUrls.Proof(share.Token, 1, 1));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var signed = await ProofUrlAsync(WellKnownJobs.Warning);

        // Two hours on: every URL the sandbox signed before has died.
        app.SandboxClock.Advance(TimeSpan.FromHours(2));
        using var direct = new HttpClient();
        Assert.False((await direct.GetAsync(signed)).IsSuccessStatusCode);

        var response = await client.GetAsync(ShareUrls.Proof(share.Token, 1, 1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPrivate(response);
        Assert.Contains(response.Content.Headers.ContentType!.MediaType, new[] { "image/png", "image/jpeg", "image/webp" });
        Assert.Contains("sandbox", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 100, "the image is empty");
        if (response.Content.Headers.ContentType.MediaType == "image/png") Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
    }

    /// <summary>A proof URL as the sandbox signs it now, asked for with the API key like the dashboard does.</summary>
    private async Task<string> ProofUrlAsync(string jobId)
    {
        using var api = new HttpClient { BaseAddress = app.Sandbox.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", app.Sandbox.ApiKey);
        var json = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"jobs/{jobId}?expand=runs"))!;
        return json["runs"]![0]!["proofs"]![0]!["url"]!.GetValue<string>();
    }

    [Fact]
    public async Task Download_Allowed_RedirectsToAFreshSignedUrl_AndIsAudited()
    {
        var share = await app.ShareAsync(WellKnownJobs.Fixed, allowDownloads: true);

        var response = await app.Anonymous().GetAsync(ShareUrls.Download(share.Token, 1));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(app.Sandbox.BaseAddress.ToString(), response.Headers.Location!.ToString());
        using var direct = new HttpClient();
        Assert.True((await direct.GetAsync(response.Headers.Location)).IsSuccessStatusCode);
        await app.Services.GetRequiredService<ReadAuditJournal>().FoldNowAsync();
        var audit = await app.Shares.AuditTrailAsync(share.Id);
        Assert.Contains(audit, a => a.Action == ShareActions.Download && a.Actor == ShareLinkService.Recipient);
    }

    [Fact]
    public async Task Download_NotAllowed_IsTheSame404()
    {
        var share = await app.ShareAsync(allowDownloads: false);

        var response = await app.Anonymous().GetAsync(ShareUrls.Download(share.Token, 1));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(SharePublicResponses.NotFoundBody, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Page_ExpiredRevokedAndUnknown_AnswerTheVerySame404()
    {
        var expired = await app.ShareAsync();
        await app.ExpireAsync(expired.Id);
        var revoked = await app.ShareAsync();
        Assert.Null(await app.Shares.RevokeAsync(revoked.Id, "Casey CS"));
        var unknown = ShareToken.New();

        var answers = new List<(int Status, string Headers, byte[] Body)>();
        foreach (var token in new[] { expired.Token, revoked.Token, unknown })
        {
            var response = await app.Anonymous().GetAsync(ShareUrls.Page(token));
            AssertPrivate(response);
            answers.Add(await SnapshotAsync(response));
        }

        Assert.All(answers, a => Assert.Equal(404, a.Status));
        Assert.Equal(answers[0].Headers, answers[1].Headers);
        Assert.Equal(answers[0].Headers, answers[2].Headers);
        Assert.Equal(answers[0].Body, answers[1].Body);
        Assert.Equal(answers[0].Body, answers[2].Body);
        // The proof route of a dead link says the same.
        var proof = await SnapshotAsync(await app.Anonymous().GetAsync(ShareUrls.Proof(revoked.Token, 1, 1)));
        Assert.Equal(answers[0].Headers, proof.Headers);
        Assert.Equal(answers[0].Body, proof.Body);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3C")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    public async Task Page_MalformedToken_IsTheSame404(string token)
    {
        var response = await app.Anonymous().GetAsync("/s/" + token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(SharePublicResponses.NotFoundBody, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Revoke_OpenLink_StopsItAtOnce()
    {
        var share = await app.ShareAsync();
        var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ShareUrls.Page(share.Token))).StatusCode);

        Assert.Null(await app.Shares.RevokeAsync(share.Id, "Robin Colleague"));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ShareUrls.Page(share.Token))).StatusCode);
        var audit = await app.Shares.AuditTrailAsync(share.Id);
        Assert.Contains(audit, a => a.Action == ShareActions.Revoke && a.Actor == "Robin Colleague");
    }

    [Fact]
    public async Task Extend_WithinTheMaximum_MovesTheExpiry_BeyondItChangesNothing()
    {
        var share = await app.ShareAsync();
        var before = (await app.Shares.OpenAsync(share.Token))!.ExpiresAt;

        var refused = await app.Shares.ExtendAsync(share.Id, 31, "Casey CS");
        Assert.Contains("30 days", refused);
        Assert.Equal(before, (await app.Shares.OpenAsync(share.Token))!.ExpiresAt);

        Assert.Null(await app.Shares.ExtendAsync(share.Id, 30, "Casey CS"));
        var after = (await app.Shares.OpenAsync(share.Token))!.ExpiresAt;
        Assert.True(after > before.AddDays(20));
    }

    [Fact]
    public async Task Views_AreCountedOnTheLink_OnlyTheFirstViewAndChangesAreAuditRows()
    {
        var share = await app.ShareAsync();
        var client = app.Anonymous();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ShareUrls.Page(share.Token))).StatusCode);
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ShareUrls.Proof(share.Token, 1, 1))).StatusCode);
        await app.Services.GetRequiredService<ReadAuditJournal>().FoldNowAsync();

        var summary = (await app.Shares.ListAsync()).Single(s => s.Id == share.Id);
        Assert.Equal(3, summary.ViewCount);
        Assert.Equal(2, summary.ImageCount);
        Assert.NotNull(summary.LastViewedAt);
        var audit = await app.Shares.AuditTrailAsync(share.Id);
        // Anonymous traffic cannot grow the audit: one row for the first view, none per image.
        Assert.Single(audit, a => a.Action == ShareActions.View && a.Detail == "first view");
        Assert.DoesNotContain(audit, a => a.Action == ShareActions.Image);
        Assert.Single(audit, a => a.Action == ShareActions.Create && a.Actor == "Casey CS" && a.Detail!.Contains("ada@example.com"));
    }

    [Fact]
    public async Task ShareAudit_OlderThanTheAuditAge_IsPrunedByTheHistorysRetentionPass()
    {
        var share = await app.ShareAsync();
        await app.Anonymous().GetAsync(ShareUrls.Page(share.Token));
        // The first view's row lands with the read audit's fold.
        await app.Services.GetRequiredService<ReadAuditJournal>().FoldNowAsync();
        await app.QueryAsync(async db =>
        {
            db.ShareAudit.Add(new ShareAuditRecord { ShareId = share.Id, At = DateTimeOffset.UtcNow.AddDays(-400), Action = ShareActions.Extend, Actor = "Casey CS" });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(3, (await app.Shares.AuditTrailAsync(share.Id)).Count);

        var run = await app.Services.GetRequiredService<Filecheck.Dashboard.History.HistorySyncRunner>().RunOnceAsync();

        Assert.True(run.Completed, run.Failure?.Message);
        var audit = await app.Shares.AuditTrailAsync(share.Id);
        Assert.DoesNotContain(audit, a => a.At < DateTimeOffset.UtcNow.AddDays(-365));
        Assert.Contains(audit, a => a.Action == ShareActions.Create);
        Assert.Contains(audit, a => a.Action == ShareActions.View);
    }
}
