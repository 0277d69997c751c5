using Filecheck.Dashboard.Sharing;
using Filecheck.Sandbox;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>"My shares" matches the creator's stable ID, so two people with one display name keep their links apart.</summary>
public sealed class ShareOwnerTests : IAsyncLifetime
{
    private readonly SharingApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task List_ByCreatorId_NamesakesKeptApart()
    {
        var job = _app.Sandbox.Jobs.Get(WellKnownJobs.Warning)!;
        var request = new ShareRequest { Files = [new ShareFile(job.Id, job.Tasks![0].Id, job.Tasks[0].DisplayName)] };
        var mine = await _app.Shares.CreateAsync(request, "Casey CS", "oid-casey-1");
        var theirs = await _app.Shares.CreateAsync(request, "Casey CS", "oid-casey-2");

        var listed = await _app.Shares.ListAsync(createdById: "oid-casey-1");

        Assert.Equal([mine.Share!.Id], listed.Select(s => s.Id));
        Assert.NotNull(theirs.Share);
        Assert.Equal("Casey CS", listed[0].CreatedBy);
    }
}
