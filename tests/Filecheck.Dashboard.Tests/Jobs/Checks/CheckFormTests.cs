using Filecheck.Dashboard.Jobs.Checks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Jobs.Checks;

public sealed class CheckFormTests
{
    private static CheckForm Whole() => new()
    {
        Source = CheckSource.Upload, Preflight = true, ProfileId = "profile_standard_cards", Autofix = true, Validate = true,
        ValidationCode = "4", Previews = true, Note = "corrected file from the customer", Confirmed = true,
        OrderId = "order_7031", CustomerId = "cust_12", RuleId = "rule_flyers", OriginalJobId = "job_demo_failing", OriginalTaskId = "task_1",
    };

    [Fact]
    public void Build_CheckAgain_CarriesOrderCustomerRuleAndANoteLinkingBack()
    {
        var request = Whole().Build("upload_abc", "Sam Staff");

        Assert.Equal("order_7031", request.OrderId);
        Assert.Equal("cust_12", request.CustomerId);
        Assert.Equal("rule_flyers", request.RuleId);
        var source = Assert.Single(request.Sources);
        Assert.Equal("upload_abc", source.FileRef);
        Assert.Null(source.Url);
        Assert.Equal(["preflight", "autofix", "repreflight", "validate", "previews"], source.Steps.Select(s => s.Type));
        Assert.Equal("profile_standard_cards", source.Steps[0].Params!["profileId"]!.GetValue<string>());
        Assert.Equal("4", source.Steps[3].Params!["profile"]![0]!.GetValue<string>());
        var dashboard = request.MetaData!["dashboard"]!;
        Assert.Equal("job_demo_failing", dashboard["recheckOf"]!.GetValue<string>());
        Assert.Equal("task_1", dashboard["recheckFile"]!.GetValue<string>());
        Assert.Equal("Sam Staff", dashboard["requestedBy"]!.GetValue<string>());
        Assert.Equal("corrected file from the customer", dashboard["note"]!.GetValue<string>());
    }

    [Fact]
    public void Build_OriginalByUrl_SendsTheUrlNotAFileRef()
    {
        var form = Whole();
        form.Source = CheckSource.Original;
        form.Url = "https://cdn.example.com/uploads/card.pdf";
        var source = Assert.Single(form.Build(null, "x").Sources);

        Assert.Equal("https://cdn.example.com/uploads/card.pdf", source.Url);
        Assert.Null(source.FileRef);
    }

    [Fact]
    public void Problems_WholeForm_None() => Assert.Empty(Whole().Problems(fileChosen: true));

    [Theory]
    [InlineData("no-file", "Choose a file to upload.")]
    [InlineData("no-note", "Say in a few words why")]
    [InlineData("long-note", "under 500 characters")]
    [InlineData("not-confirmed", "may be billed")]
    [InlineData("no-steps", "at least one thing to run")]
    [InlineData("bad-code", "'9z' is not a PDF/A or PDF/UA code")]
    [InlineData("bad-url", "starting with https://")]
    [InlineData("original-gone", "cannot be sent again")]
    public void Problems_EachGap_IsNamedInWords(string gap, string expected)
    {
        var form = Whole();
        var chosen = true;
        switch (gap)
        {
            case "no-file": chosen = false; break;
            case "no-note": form.Note = "  "; break;
            case "long-note": form.Note = new string('x', 501); break;
            case "not-confirmed": form.Confirmed = false; break;
            case "no-steps": form.Preflight = form.Autofix = form.Validate = form.Previews = false; break;
            case "bad-code": form.ValidationCode = "9z"; break;
            case "bad-url": form.Source = CheckSource.Url; form.Url = "javascript:alert(1)"; break;
            case "original-gone": form.Source = CheckSource.Original; form.FileRef = null; form.Url = null; break;
        }
        var problems = form.Problems(chosen);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TryTakeFor_TheCheckOfAnUploadThatPaid_CountsOnce_AnUploadNeverPaysTwice()
    {
        var quota = new CheckQuota(Options.Create(new CheckOptions { PerUserPerHour = 2 }), new FakeTimeProvider(DateTimeOffset.UtcNow));

        using (var slot = quota.TryBeginUpload("oid-1", out var refusal, out _))
        {
            Assert.NotNull(slot);
            Assert.Null(refusal);
        }
        quota.Paid("oid-1", "upload_a");

        Assert.True(quota.TryTakeFor("oid-1", "upload_a", out _));
        // The same upload named again, or by someone else, pays like any check.
        Assert.True(quota.TryTakeFor("oid-1", "upload_a", out _));
        Assert.False(quota.TryTakeFor("oid-1", "upload_a", out _));
        Assert.True(quota.TryTakeFor("oid-2", "upload_a", out _));
    }

    [Fact]
    public void TryTake_OverTheHourlyLimit_RefusesUntilTheOldestIsAnHourOld()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        var quota = new CheckQuota(Options.Create(new CheckOptions { PerUserPerHour = 3 }), clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(quota.TryTake("oid-1", out _));
            clock.Advance(TimeSpan.FromMinutes(10));
        }
        Assert.False(quota.TryTake("oid-1", out var wait));
        Assert.Equal(TimeSpan.FromMinutes(30), wait);
        // Another person is not held back by the first one's clicks.
        Assert.True(quota.TryTake("oid-2", out _));
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.True(quota.TryTake("oid-1", out _));
    }

    [Theory]
    [InlineData(0, 1L, "00:01:00", "Checks:PerUserPerHour")]
    [InlineData(30, 600L * 1024 * 1024, "00:01:00", "Checks:MaxUploadBytes")]
    [InlineData(30, 1L, "00:00:00", "Checks:UploadTimeout")]
    public void Validate_BadSetting_NamesTheKey(int perHour, long maxBytes, string timeout, string key)
    {
        var result = new CheckOptionsValidator().Validate(null, new CheckOptions { PerUserPerHour = perHour, MaxUploadBytes = maxBytes, UploadTimeout = TimeSpan.Parse(timeout) });
        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage);
    }
}
