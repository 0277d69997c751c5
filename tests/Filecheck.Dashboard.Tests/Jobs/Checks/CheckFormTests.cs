using Filecheck.Dashboard.Jobs.Checks;

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

    // The quota's own tests (the hour, a paid upload, uploads in flight) are in Data/UserWindowTests: they need a store.

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
