using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Filecheck.Api;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary><c>/jobs/{id}/raw.json</c> over the whole app as production runs it: the job, with no signed URL left in it.</summary>
public sealed partial class RawJsonRedactionTests(ProductionAppFixture app) : IClassFixture<ProductionAppFixture>
{
    [GeneratedRegex("""https?://[^"\s]+[?&]sig=([^"&\s]+)""")]
    private static partial Regex SignedUrl();

    [Theory]
    [InlineData(WellKnownJobs.Warning)]
    [InlineData(WellKnownJobs.Fixed)]
    public async Task RawJson_JobWithSignedUrls_HasEverySignatureRemoved(string jobId)
    {
        // What Filecheck itself answers for the job: signed URLs with their signatures.
        using var direct = new HttpClient { BaseAddress = app.Sandbox.BaseAddress };
        direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Sandbox.ApiKey);
        var upstream = await direct.GetStringAsync("/jobs/" + jobId);
        var signatures = SignedUrl().Matches(upstream).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(signatures);

        var staff = await app.SignedInClientAsync("staff");
        var raw = await staff.GetStringAsync($"/jobs/{jobId}/raw.json");

        Assert.Contains($"\"id\": \"{jobId}\"", raw);
        Assert.Contains(SignedUrls.Placeholder, raw);
        Assert.Empty(SignedUrl().Matches(raw));
        Assert.All(signatures, s => Assert.DoesNotContain(s, raw));
    }
}
