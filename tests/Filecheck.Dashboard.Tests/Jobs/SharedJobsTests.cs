using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Live;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>Every page showing the same version of a job holds one parsed copy (what a 200-file page costs the server).</summary>
public sealed class SharedJobsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public void Share_SameVersionParsedTwice_ReturnsTheCopyAlreadyShown()
    {
        var shared = new SharedJobs();
        var first = FakeJobs.Large(3);
        var again = FakeJobs.Large(3);

        Assert.Same(first, shared.Share(first));
        Assert.Same(first, shared.Share(again));
    }

    [Fact]
    public void Share_NewVersion_ReturnsTheNewCopy()
    {
        var shared = new SharedJobs();
        var first = shared.Share(FakeJobs.Large(3));
        var newer = first with { Status = "failed", ModifiedAt = first.ModifiedAt?.AddSeconds(5) };

        Assert.Same(newer, shared.Share(newer));
    }

    [Fact]
    public async Task LoadAsync_TwoViewersOfTheSameStoredJob_ShowOneCopy()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var first = await host.LookUpAsync(WellKnownJobs.Large, "alice");
        var second = await host.LookUpAsync(WellKnownJobs.Large, "alice");

        Assert.True(second.FromStore, "the second lookup is served from the store");
        Assert.Same(first.View!.Job, second.View!.Job);
    }
}
