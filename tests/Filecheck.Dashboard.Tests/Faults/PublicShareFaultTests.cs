using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Sharing;

namespace Filecheck.Dashboard.Tests.Faults;

/// <summary>The public share page (the whole app over HTTP, as production runs it) under each fault of the API.</summary>
[Collection(FaultsCollection.Name)]
public sealed class PublicShareFaultTests(FaultFigures figures) : IAsyncLifetime
{
    private readonly SharingApp _app = new(new Dictionary<string, string?>
    {
        ["Filecheck:Timeout"] = "00:00:02",
        ["Filecheck:TotalTimeout"] = "00:00:03",
        ["Filecheck:MaxRetries"] = "0",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SharePage_UnderEachFault_SaysTryAgainLater_AndShowsTheProofsOnceTheApiAnswers()
    {
        var share = await _app.ShareAsync();
        var customer = _app.Anonymous();
        foreach (var fault in InjectedFault.All)
        {
            // A job's runs are shared by every viewer for a few minutes: each fault meets a viewer with no copy yet.
            _app.Services.GetRequiredService<SharedRuns>().Clear();
            await fault.InjectAsync(_app.Sandbox);
            try
            {
                using var down = await customer.GetAsync(ShareUrls.Page(share.Token));
                var html = await down.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, down.StatusCode);
                Assert.Contains("data-testid=\"share-unavailable\"", html);
                Assert.Contains("please try again in a few minutes", html);
                Assert.DoesNotContain("data-testid=\"share-file\"", html);
                figures.Outcome(fault.Name, "public share page", "“Your proofs cannot be shown right now … please try again in a few minutes”; the proofs on the next visit after it answers");
            }
            finally
            {
                await fault.LiftAsync(_app.Sandbox);
            }
            // The next request after the API answers shows the proofs (twice: one failure among two successes keeps the breaker
            // shut; each without the shared copy, so that both reach the API).
            for (var i = 0; i < 2; i++)
            {
                _app.Services.GetRequiredService<SharedRuns>().Clear();
                var up = await customer.GetStringAsync(ShareUrls.Page(share.Token));
                Assert.Contains("data-testid=\"share-file\"", up);
                Assert.DoesNotContain("share-unavailable", up);
            }
        }
    }
}
