using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Fuzz;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>Small limits, so "too big" and "budget spent" are a few bytes and two files away.</summary>
public sealed class CorrectedFileAppFixture() : SharingApp(CorrectedFileEngineTests.Limits());

/// <summary>The same on a fresh PostgreSQL database of the run's cluster, dropped with the class.</summary>
public sealed class PostgresCorrectedFileAppFixture : SharingApp
{
    private readonly PostgresDatabase _database;

    public PostgresCorrectedFileAppFixture() : this(new PostgresDatabase())
    {
    }

    private PostgresCorrectedFileAppFixture(PostgresDatabase database)
        : base(EngineStore.OnPostgres(database.ConnectionString, CorrectedFileEngineTests.Limits())) => _database = database;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
        EngineStore.RemoveReadAuditFolder(_database.ConnectionString);
    }
}

public sealed class CorrectedFileTests(CorrectedFileAppFixture app) : CorrectedFileEngineTests(app), IClassFixture<CorrectedFileAppFixture>;

[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class CorrectedFilePostgresTests(PostgresCorrectedFileAppFixture app) : CorrectedFileEngineTests(app), IClassFixture<PostgresCorrectedFileAppFixture>;

/// <summary>
/// The customer's corrected file, posted as the share page's plain form posts it (multipart, antiforgery token), to the
/// whole app over HTTP on a real SQLite file and a sandbox over real HTTP: hostile posts are refused with a message and
/// change nothing; a good one is checked once and becomes the next round by itself when its check finishes.
/// </summary>
public abstract class CorrectedFileEngineTests(SharingApp app)
{
    public const int MaxBytes = 16 * 1024;

    public static Dictionary<string, string?> Limits() => new()
    {
        ["Checks:MaxUploadBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture),
        ["Sharing:CorrectedFilesPerShare"] = "2",
        ["Sharing:CorrectedFilePoll"] = "00:00:00.200",
    };
    private static readonly byte[] CleanPdf = Encoding.ASCII.GetBytes("%PDF-1.4\n%sandbox-findings: none\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    private async Task<CreatedShare> ShareAsync(bool allowUploads = true)
    {
        var job = app.Sandbox.Jobs.Get(WellKnownJobs.Failing)!;
        var result = await app.Shares.CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(job.Id, job.Tasks![0].Id, job.Tasks[0].DisplayName)],
            AllowUploads = allowUploads,
            RecipientName = "Ada Customer",
        }, "Casey CS");
        Assert.Null(result.Error);
        return result.Share!;
    }

    private async Task<(HttpClient Client, string FormToken)> OpenAsync(string token)
    {
        var client = app.Anonymous(new CookieContainer());
        var html = await client.GetStringAsync(ShareUrls.Page(token));
        return (client, DashboardApp.FormToken(html));
    }

    private static MultipartFormDataContent Form(string? antiforgery, byte[]? file, string? fileName = "brochure-8pp.pdf", string? round = "1", string? name = "Ada Customer")
    {
        var form = new MultipartFormDataContent();
        if (antiforgery is not null) form.Add(new StringContent(antiforgery), "__RequestVerificationToken");
        if (round is not null) form.Add(new StringContent(round), "round");
        if (name is not null) form.Add(new StringContent(name), "name");
        if (file is not null)
        {
            var content = new ByteArrayContent(file);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            form.Add(content, "file", fileName ?? "");
        }
        return form;
    }

    /// <summary>Everything a refused post must leave as it was.</summary>
    private sealed record Snapshot(int Uploads, int Counted, int Checks, int Rounds, int Jobs);

    private Task<Snapshot> SnapshotAsync() => app.QueryAsync(async db => new Snapshot(
        await db.ShareUploads.CountAsync(), await db.Shares.SumAsync(s => s.UploadCount), await db.Checks.CountAsync(), await db.ShareRounds.CountAsync(),
        app.Sandbox.Jobs.Count));

    private enum Hostile { TooBig, WrongType, Empty, NoFile, NoAntiforgery, NoName, LongName, StaleRound, NoSuchFile, SettingOff, Revoked, Expired, BudgetSpent, SecondForTheRound }

    private sealed record Case(Hostile Kind, string Text, byte[] Junk);

    [Fact]
    public async Task SendCorrected_HostileInput_IsRefusedWithAMessageAndChangesNothing()
    {
        // Links in every state a post may meet: takes files, does not, revoked, expired, budget spent, this round already sent.
        var open = await ShareAsync();
        var off = await ShareAsync(allowUploads: false);
        var revoked = await ShareAsync();
        var expired = await ShareAsync();
        var spent = await ShareAsync();
        var sent = await ShareAsync();
        var forms = new Dictionary<long, (HttpClient Client, string Token)>();
        foreach (var s in new[] { open, off, revoked, expired, spent, sent }) forms[s.Id] = await OpenAsync(s.Token);
        Assert.Null(await app.Shares.RevokeAsync(revoked.Id, "Casey CS"));
        await app.ExpireAsync(expired.Id);
        await app.QueryAsync(db => db.Shares.Where(s => s.Id == spent.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.UploadCount, 2)));
        await app.QueryAsync(async db =>
        {
            db.ShareUploads.Add(new ShareUploadRecord
            {
                ShareId = sent.Id, Position = 1, Round = 1, At = DateTimeOffset.UtcNow, SentBy = "Ada", FileName = "first.pdf", Bytes = 10,
                JobId = WellKnownJobs.Fixed, State = CorrectedFileStates.Failed, Problem = "kept for this test",
            });
            await db.Shares.Where(s => s.Id == sent.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.UploadCount, 1));
            return await db.SaveChangesAsync();
        });
        var before = await SnapshotAsync();

        var junk = Gen.Byte.Array[1, 64].Where(b => CorrectedFileTypes.Sniff(b) is null);
        var cases = Gen.Select(Gen.Enum<Hostile>(), NastyInput.Text, junk, (k, t, j) => new Case(k, t, j)).Array[60].Single();
        var answers = new List<(Case Case, int Status, string Body)>();
        foreach (var c in cases)
        {
            var (share, file, form) = c.Kind switch
            {
                Hostile.TooBig => (open, 1, Form(forms[open.Id].Token, [.. CleanPdf, .. new byte[MaxBytes]])),
                Hostile.WrongType => (open, 1, Form(forms[open.Id].Token, c.Junk, fileName: AsBrowserSends(c.Text))),
                Hostile.Empty => (open, 1, Form(forms[open.Id].Token, [])),
                Hostile.NoFile => (open, 1, Form(forms[open.Id].Token, null)),
                Hostile.NoAntiforgery => (open, 1, Form(null, CleanPdf)),
                Hostile.NoName => (open, 1, Form(forms[open.Id].Token, CleanPdf, name: c.Text.Length % 2 == 0 ? null : "   ")),
                Hostile.LongName => (open, 1, Form(forms[open.Id].Token, CleanPdf, name: new string('n', ShareLimits.MaxName + 1 + c.Text.Length))),
                Hostile.StaleRound => (open, 1, Form(forms[open.Id].Token, CleanPdf, round: c.Text.Length % 3 == 0 || c.Text == "1" ? "2" : c.Text)),
                Hostile.NoSuchFile => (open, c.Text.Length % 2 == 0 ? 0 : 2, Form(forms[open.Id].Token, CleanPdf)),
                Hostile.SettingOff => (off, 1, Form(forms[off.Id].Token, CleanPdf)),
                Hostile.Revoked => (revoked, 1, Form(forms[revoked.Id].Token, CleanPdf)),
                Hostile.Expired => (expired, 1, Form(forms[expired.Id].Token, CleanPdf)),
                Hostile.BudgetSpent => (spent, 1, Form(forms[spent.Id].Token, CleanPdf)),
                _ => (sent, 1, Form(forms[sent.Id].Token, CleanPdf)),
            };
            using var response = await forms[share.Id].Client.PostAsync(ShareUrls.Corrected(share.Token, file), form);
            answers.Add((c, (int)response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        foreach (var (c, status, body) in answers)
        {
            var expected = c.Kind switch
            {
                Hostile.TooBig => 413,
                Hostile.WrongType => 415,
                Hostile.Revoked or Hostile.Expired => 404,
                Hostile.SettingOff => 403,
                Hostile.StaleRound or Hostile.BudgetSpent or Hostile.SecondForTheRound => 409,
                _ => 400,
            };
            Assert.True(expected == status, $"{c.Kind} ('{c.Text}'): {status}, not {expected}: {body}");
            var words = c.Kind switch
            {
                Hostile.TooBig => "this page takes files up to 16 KB",
                Hostile.WrongType => "is not a file that can be checked here",
                Hostile.Empty => "The file is empty",
                Hostile.NoFile => "Choose the corrected file",
                Hostile.NoAntiforgery => "The form had expired",
                Hostile.NoName => "Type your name to confirm",
                Hostile.LongName => "Your name is too long",
                Hostile.StaleRound => "The page was out of date",
                Hostile.NoSuchFile => "There is no such file on this page",
                Hostile.SettingOff => "This link does not take files",
                Hostile.Revoked or Hostile.Expired => "This link is not available",
                Hostile.BudgetSpent => "taken all the corrected files it may (2)",
                _ => "was already sent for round 1 of this file",
            };
            Assert.True(body.Contains(WebUtility.HtmlEncode(words), StringComparison.Ordinal), $"{c.Kind}: the answer does not say '{words}': {body}");
        }
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task SendCorrected_ThenItsCheckFinishes_BecomesTheNextRoundByItself_AuditedAndOncePerRound()
    {
        var share = await ShareAsync();
        var (client, token) = await OpenAsync(share.Token);
        var checksBefore = await app.QueryAsync(db => db.Checks.CountAsync());

        using var sent = await client.PostAsync(ShareUrls.Corrected(share.Token, 1), Form(token, CleanPdf, fileName: @"C:\fakepath\brochure-8pp.pdf"));

        Assert.Equal(HttpStatusCode.SeeOther, sent.StatusCode);
        var upload = Assert.Single(await app.QueryAsync(db => db.ShareUploads.AsNoTracking().Where(u => u.ShareId == share.Id).ToListAsync()));
        Assert.Equal((1, 1, "brochure-8pp.pdf", CorrectedFileStates.Checking, "Ada Customer"), (upload.Position, upload.Round, upload.FileName, upload.State, upload.SentBy));
        var job = app.Sandbox.Jobs.Get(upload.JobId!)!;
        var original = app.Sandbox.Jobs.Get(WellKnownJobs.Failing)!;
        // The same check as the original: its order, and its preflight profile.
        Assert.Equal(original.OrderId, job.OrderId);
        Assert.Equal(ProfileOf(original), ProfileOf(job));
        // Audited like every check: who, why, the new job.
        var check = await app.QueryAsync(db => db.Checks.AsNoTracking().OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal(checksBefore + 1, await app.QueryAsync(db => db.Checks.CountAsync()));
        Assert.Equal((upload.JobId, "submitted", WellKnownJobs.Failing), (check.NewJobId, check.Result, check.OriginalJobId));
        Assert.Contains("Ada Customer", check.UserName);
        Assert.Contains($"share link {share.Id}", check.Note);
        var page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.Contains("Corrected file received (brochure-8pp.pdf), being checked", page);
        Assert.DoesNotContain("data-testid=\"share-corrected-form\"", page);
        Assert.Contains("\"checking\":true", await client.GetStringAsync(ShareUrls.CorrectedState(share.Token, 1)));
        // A second file for the same round, even before the first is checked: refused.
        using var again = await client.PostAsync(ShareUrls.Corrected(share.Token, 1), Form(token, CleanPdf));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // The sandbox's check finishes (its clock moves); the watcher makes it round 2 by itself.
        app.SandboxClock.Advance(TimeSpan.FromMinutes(2));
        var watcher = app.Services.GetRequiredService<CorrectedFileRounds>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await app.QueryAsync(db => db.ShareRounds.CountAsync(r => r.ShareId == share.Id)) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the corrected file did not become round 2");
            await watcher.PassAsync(CancellationToken.None);
        }

        var round = Assert.Single(await app.QueryAsync(db => db.ShareRounds.AsNoTracking().Where(r => r.ShareId == share.Id).ToListAsync()));
        Assert.Equal((1, 2, upload.JobId), (round.Position, round.Round, round.JobId));
        Assert.Equal(CorrectedFileStates.Added, (await app.QueryAsync(db => db.ShareUploads.AsNoTracking().FirstAsync(u => u.Id == upload.Id))).State);
        var trail = await app.Shares.AuditTrailAsync(share.Id);
        Assert.Contains(trail, a => a.Action == ShareActions.Upload && a.Detail!.Contains("Ada Customer sent brochure-8pp.pdf"));
        Assert.Contains(trail, a => a.Action == ShareActions.Round);
        Assert.Contains(trail, a => a.Action == ShareActions.UploadRound && a.Detail!.Contains("is round 2 of file 1"));
        page = await client.GetStringAsync(ShareUrls.Page(share.Token));
        Assert.Contains("data-testid=\"share-round-previous\"", page);
        Assert.Contains("Round 2 is the corrected file you sent.", page);
        Assert.Contains("\"checking\":false", await client.GetStringAsync(ShareUrls.CorrectedState(share.Token, 1)));
        Assert.Contains("What changed since round 1", page);
        // Round 2 takes a corrected file of its own (the link's budget is 2).
        Assert.Contains("data-testid=\"share-corrected-form\"", page);
        Assert.Contains("name=\"round\" value=\"2\"", page);
    }

    /// <summary>A browser sends a quote or a line break in a file name as %22, %0A…; .NET's client refuses to send them raw.</summary>
    private static string AsBrowserSends(string name)
    {
        var sent = string.Concat(name.Select(c => c is '"' or '\\' || char.IsControl(c) || char.IsSurrogate(c) ? $"%{(int)c % 256:X2}" : c.ToString()));
        // Nor a blank one (a browser sends the chosen file's name, never nothing); a disk's file names stop at 255 bytes.
        return string.IsNullOrWhiteSpace(sent) ? "%20" : sent.Length > 1000 ? sent[..1000] : sent;
    }

    private static string? ProfileOf(Filecheck.Api.Models.Job job) =>
        job.Tasks![0].Steps!.First(s => s.Type == "preflight").Params is { ValueKind: System.Text.Json.JsonValueKind.Object } p
        && p.TryGetProperty("profileId", out var id) ? id.GetString() : null;
}
