using Filecheck.LoadBench;
using Filecheck.Testing;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// The suite's short load run (<see cref="LoadShape.Suite"/>: 12 people in Chromium, 60 share clients, 30 s) with not one
/// error; its figures are the "Load" section of docs/reliability.md. The 60 s run with 30 people and 200 clients is the
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
    }
}
