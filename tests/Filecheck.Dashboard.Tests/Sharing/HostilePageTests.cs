using System.Net;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>The public page against an API whose names and metadata carry markup: escaped, and nothing unshared shown.</summary>
public sealed class HostilePageTests : IAsyncLifetime
{
    private HostileUpstream _upstream = default!;
    private DashboardApp _app = default!;

    public async Task InitializeAsync()
    {
        _upstream = await HostileUpstream.StartAsync();
        var settings = ProductionApp.SignInSettings();
        settings["Filecheck:BaseUrl"] = _upstream.BaseAddress.ToString();
        settings["Filecheck:ApiKey"] = "sk_test_hostile_0123456789";
        settings["History:Sync:Enabled"] = "false";
        _app = new DashboardApp("Production", settings);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Page_HostileNamesAndMetadata_AreEscapedAndUnsharedThingsAbsent()
    {
        var shares = _app.Services.GetRequiredService<ShareLinkService>();
        // The dialog shares the name it listed; the job page has looked the job up (history holds order and customer).
        var created = await shares.CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(HostileUpstream.JobId, HostileUpstream.SharedTask, HostileUpstream.SharedName)],
            Note = "<a href=javascript:alert(1)>click</a>",
        }, "Casey CS");
        Assert.Null(created.Error);

        var response = await _app.NewClient().GetAsync(ShareUrls.Page(created.Share!.Token));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(HostileUpstream.SharedName), html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("<a href=javascript", html);
        Assert.Contains("Failed", html);
        foreach (var secret in new[] { HostileUpstream.UnsharedName, HostileUpstream.JobId, HostileUpstream.SharedTask, HostileUpstream.UnsharedTask,
                     HostileUpstream.OrderId, HostileUpstream.CustomerEmail, "cust_", "Fonts not embedded", "alert(&#x27;meta", "amazonaws", "X-Amz" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Page_UpstreamDown_SaysSoPlainlyAndShowsNoStoredCopy()
    {
        var shares = _app.Services.GetRequiredService<ShareLinkService>();
        var created = await shares.CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(HostileUpstream.JobId, HostileUpstream.SharedTask, "kept-name.pdf")],
        }, "Casey CS");
        await _upstream.DisposeAsync();

        var response = await _app.NewClient().GetAsync(ShareUrls.Page(created.Share!.Token));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("cannot be shown right now", html);
        Assert.Contains("try again in a few minutes", html);
        Assert.DoesNotContain("kept-name.pdf", html);
        Assert.DoesNotContain("share-proof", html);
    }
}
