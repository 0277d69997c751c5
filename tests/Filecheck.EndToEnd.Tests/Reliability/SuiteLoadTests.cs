using Filecheck.LoadBench;
using Filecheck.Testing;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// The suite's short load run (<see cref="LoadShape.Suite"/>: 12 people in Chromium, 60 share clients each reading every
/// proof of its pages under the production share limits, 30 s) with not one error; its figures are the "Load" section of docs/reliability.md. The 60 s run with 30 people and 200 clients is the
/// bench (<c>bench/Filecheck.LoadBench</c>), the same <see cref="LoadRun"/>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SuiteLoadTests
{
    [Fact]
    public async Task Load_12UsersInChromiumAnd60ShareClientsFor30Seconds_NoErrors()
    {
        var shape = LoadShape.Suite;

        var result = await new LoadRun(shape).RunAsync();

        ReliabilityReport.Write("load", result.Report);
        Assert.True(result.Errors.Count == 0, $"{result.Errors.Count} errors under load:\n" + string.Join("\n", result.Errors.Take(30)));
        Assert.True(result.Count("lookup") >= shape.LookupUsers, "the lookups did not run");
        Assert.True(result.Count("share page") >= shape.HttpClients, "the share clients did not run");
        Assert.True(result.Count("watched to done") >= 1, "no new running job was watched to its end");
        // Every proof of every page read was answered (an image, or the per-address limit's 429 with Retry-After) ...
        var shares = result.Shares;
        Assert.True(shares.ImagesOnPages > 0, "the share clients read no proof image");
        Assert.Equal(shares.ImagesOnPages, shares.Images + shares.ImagesRefused);
        // ... and a customer reading at a person's pace, from an address of its own, is never refused by it.
        Assert.Equal(0, shares.Refused);
        // The shared copy: the shared jobs' runs fetched once for every viewer (within its bound), however many views.
        Assert.InRange(shares.RunsCalls, 1, shares.RunsCallsBound);
        // Each image answered is one fetch from the artifact host (a second only after an expired signature).
        Assert.InRange(shares.ImageCalls, shares.Images, 2 * shares.Images);
    }
}
