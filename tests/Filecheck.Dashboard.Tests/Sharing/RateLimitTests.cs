using System.Net;
using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Tests.Sharing;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Page_OverTheLimitFromOneAddress_Gets429WithAPlainPage()
    {
        await using var app = new SharingApp(new() { ["Sharing:RequestsPerMinute"] = "60" });
        var share = await app.ShareAsync();
        var client = app.Anonymous();
        for (var i = 0; i < 60; i++)
        {
            // Unknown links count too: guessing tokens is what the limit is for.
            var ok = await client.GetAsync(i % 2 == 0 ? ShareUrls.Page(share.Token) : ShareUrls.Page(ShareToken.New()));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, ok.StatusCode);
        }

        var response = await client.GetAsync(ShareUrls.Page(share.Token));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("wait a minute", await response.Content.ReadAsStringAsync());
    }
}
