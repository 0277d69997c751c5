using Filecheck.Api.Models;
using Filecheck.Dashboard.Sharing;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Sharing;

public sealed class ShareTokenTests
{
    [Fact]
    public void New_Always_Is43UrlSafeCharactersFrom256Bits()
    {
        for (var i = 0; i < 1000; i++)
        {
            var token = ShareToken.New();
            Assert.Equal(43, token.Length);
            Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
            Assert.True(ShareToken.IsWellFormed(token));
            Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token).Length);
        }
    }

    [Fact]
    public void New_100000Times_NeverRepeats()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100_000; i++) Assert.True(seen.Add(ShareToken.New()), "a token repeated");
    }

    [Fact]
    public void Hash_IsSha256HexAndNeverTheToken()
    {
        var token = ShareToken.New();
        var hash = ShareToken.Hash(token);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, ShareToken.Hash(token));
        Assert.DoesNotContain(token, hash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA<")]
    public void IsWellFormed_AnythingButATokensShape_IsRefused(string? text) => Assert.False(ShareToken.IsWellFormed(text));
}

public sealed class ShareDraftTests
{
    private static RunsResponse Runs(params (string Id, int Proofs)[] runs) => new()
    {
        Runs = runs.Select(r => new Run { Id = r.Id, Name = r.Id + ".pdf", Outcome = "pass", Proofs = Enumerable.Range(0, r.Proofs).Select(_ => new Proof()).ToList() }).ToList(),
    };

    [Fact]
    public void New_Defaults_EveryFileWithProofsSevenDaysApprovalOnDownloadsOff()
    {
        var draft = new ShareDraft([("job_a", Runs(("a", 2), ("b", 0), ("c", 1)))], maxDays: 30);

        Assert.Equal(["a", "c"], draft.Candidates.Where(c => c.Selected).Select(c => c.TaskId));
        Assert.Equal(7, draft.ExpiryDays);
        Assert.Equal([1, 7, 30], draft.ExpiryChoices);
        Assert.True(draft.AskApproval);
        Assert.False(draft.AllowDownloads);
    }

    [Fact]
    public void New_MaximumBelowSevenDays_OffersOnlyWhatFits()
    {
        var draft = new ShareDraft([("job_a", Runs(("a", 1)))], maxDays: 3);

        Assert.Equal([1], draft.ExpiryChoices);
        Assert.Equal(1, draft.ExpiryDays);
    }

    [Fact]
    public void Message_HoldsTheLinkWhatItShowsAndTheExpiry()
    {
        var draft = new ShareDraft([("job_a", Runs(("a", 1), ("b", 1)))], maxDays: 30) { RecipientName = "Ada", AllowDownloads = true };

        var message = draft.Message("https://dash.example/s/TOKEN", new DateTimeOffset(2026, 12, 8, 14, 5, 0, TimeSpan.Zero));

        Assert.StartsWith("Hello Ada,", message);
        Assert.Contains("https://dash.example/s/TOKEN", message);
        Assert.Contains("Here are the proofs of a.pdf and b.pdf: https://dash.example/s/TOKEN", message);
        Assert.Contains("approve it", message);
        Assert.Contains("download", message);
        Assert.Contains("Tuesday 8 December 2026, 14:05 UTC", message);
    }

    [Fact]
    public void ToRequest_TakesOnlyTheTickedFiles()
    {
        var draft = new ShareDraft([("job_a", Runs(("a", 1), ("b", 1))), ("job_b", Runs(("c", 1)))], maxDays: 30, orderId: "O-1");
        draft.Candidates[1].Selected = false;

        var request = draft.ToRequest();

        Assert.Equal([("job_a", "a"), ("job_b", "c")], request.Files.Select(f => (f.JobId, f.TaskId)));
        Assert.Equal("O-1", request.OrderId);
    }
}

public sealed class ShareLimitsTests
{
    private static ShareRequest Request(int days = 7, string? email = null, string? note = null, int files = 1) => new()
    {
        Files = Enumerable.Range(0, files).Select(i => new ShareFile("job_a", "task_" + i, null)).ToList(),
        ExpiryDays = days, RecipientEmail = email, Note = note,
    };

    [Theory]
    [InlineData(0, null, null, 1, "links always expire")]
    [InlineData(31, null, null, 1, "at most 30 days")]
    [InlineData(7, "not-an-email", null, 1, "does not look like an email")]
    [InlineData(7, null, null, 0, "at least one file")]
    [InlineData(7, null, null, 501, "at most 500 files")]
    public void CheckRequest_BadInput_SaysWhy(int days, string? email, string? note, int files, string expected) =>
        Assert.Contains(expected, ShareLimits.CheckRequest(Request(days, email, note, files), maxDays: 30));

    [Fact]
    public void CheckRequest_LongNote_IsRefused() =>
        Assert.Contains("too long", ShareLimits.CheckRequest(Request(note: new string('x', ShareLimits.MaxNote + 1)), 30));

    [Fact]
    public void CheckRequest_Good_Passes() => Assert.Null(ShareLimits.CheckRequest(Request(30, "ada@example.com"), 30));

    [Theory]
    [InlineData(2, 0, "in 2 days")]
    [InlineData(6, 0, "in 6 days")]
    [InlineData(1, 0, "in 1 day")]
    [InlineData(0, 5, "in 5 hours")]
    public void DescribeExpiry_SaysTheDateWithItsZoneAndHowLongIsLeft(int days, int hours, string relative)
    {
        var now = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        var text = SharePageModel.DescribeExpiry(now.AddDays(days).AddHours(hours), now);
        Assert.EndsWith("UTC (" + relative + ")", text);
    }
}

public sealed class SharingOptionsTests
{
    private static ValidateOptionsResult Validate(Action<SharingOptions> change)
    {
        var options = new SharingOptions();
        change(options);
        return new SharingOptionsValidator().Validate(null, options);
    }

    [Theory]
    [InlineData("Sharing:MaxExpiryDays")]
    [InlineData("Sharing:RequestsPerMinute")]
    [InlineData("Sharing:Notify:WebhookUrl")]
    [InlineData("Sharing:Notify:MaxAttempts")]
    public void Validate_BadValue_NamesTheKey(string key)
    {
        var result = Validate(o =>
        {
            switch (key)
            {
                case "Sharing:MaxExpiryDays": o.MaxExpiryDays = 0; break;
                case "Sharing:RequestsPerMinute": o.RequestsPerMinute = 5; break;
                case "Sharing:Notify:WebhookUrl": o.Notify.WebhookUrl = "ftp://chat"; break;
                default: o.Notify.MaxAttempts = 0; break;
            }
        });
        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage);
    }

    [Fact]
    public void Validate_Defaults_Pass() => Assert.True(Validate(_ => { }).Succeeded);
}

public sealed class ShareStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static Filecheck.Dashboard.Sharing.ShareRecord Share(bool ask = true, int days = 3, bool revoked = false, params string[] decisions) => new()
    {
        TokenHash = "x", CreatedBy = "cs", CreatedAt = Now.AddDays(-1), ExpiresAt = Now.AddDays(days), AskApproval = ask,
        RevokedAt = revoked ? Now : null,
        Files = [new() { Position = 1, JobId = "job_a", TaskId = "t1" }, new() { Position = 2, JobId = "job_a", TaskId = "t2" }],
        Decisions = decisions.Select((d, i) => new Filecheck.Dashboard.Sharing.ShareDecisionRecord { Position = i + 1, Decision = d, Name = "Ada" }).ToList(),
    };

    [Fact]
    public void StateOf_NoAnswerYet_IsAwaiting() => Assert.Equal(ShareState.Awaiting, ShareLinkService.StateOf(Share(), Now));

    [Fact]
    public void StateOf_OneOfTwoApproved_IsStillAwaiting() => Assert.Equal(ShareState.Awaiting, ShareLinkService.StateOf(Share(decisions: "approved"), Now));

    [Fact]
    public void StateOf_AllApproved_IsApproved() => Assert.Equal(ShareState.Approved, ShareLinkService.StateOf(Share(decisions: ["approved", "approved"]), Now));

    [Fact]
    public void StateOf_AnyChangeRequested_IsChangesRequested() => Assert.Equal(ShareState.ChangesRequested, ShareLinkService.StateOf(Share(decisions: ["approved", "changes"]), Now));

    [Fact]
    public void StateOf_PastItsExpiryUnanswered_IsExpired() => Assert.Equal(ShareState.Expired, ShareLinkService.StateOf(Share(days: -1), Now));

    [Fact]
    public void StateOf_Revoked_IsRevokedWhateverWasAnswered() => Assert.Equal(ShareState.Revoked, ShareLinkService.StateOf(Share(revoked: true, decisions: "approved"), Now));

    [Fact]
    public void StateOf_NoApprovalAsked_IsOpen() => Assert.Equal(ShareState.Open, ShareLinkService.StateOf(Share(ask: false), Now));
}
