using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>A lookup is never held behind a long history write: it waits its budget, then the write finishes on its own.</summary>
public sealed class WriteThroughTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Lookup_WhileAnotherWriteHoldsTheStore_AnswersWithinItsBudget_AndTheCopyAndAuditLandAfter()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:WriteThroughBudget"] = "00:00:00.300");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A long write (a sync batch, a 5,000-file job) holds the one write gate.
        var longWrite = host.Get<HistoryWriter>().WriteAsync(async _ =>
        {
            holding.SetResult();
            await release.Task;
            return 0;
        }, CancellationToken.None);
        await holding.Task;

        JobLoad load;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            load = await scope.ServiceProvider.GetRequiredService<JobLookupService>().LoadAsync(WellKnownJobs.Failing, "alice");
        }
        var storedWhileHeld = await host.QueryAsync(db => db.Jobs.CountAsync(j => j.Id == WellKnownJobs.Failing));
        var pending = host.Get<WriteThrough>().Pending;

        release.SetResult();
        await longWrite;
        await host.Get<WriteThrough>().IdleAsync();

        Assert.NotNull(load.View);
        // The lookup answered while the long write still held the store (released only after): its copy and audit wait behind.
        Assert.Equal(0, storedWhileHeld);
        Assert.True(pending >= 1, "the held writes finish in the background");
        Assert.Equal(1, await host.QueryAsync(db => db.Jobs.CountAsync(j => j.Id == WellKnownJobs.Failing && j.HasDetails)));
        Assert.Equal(1, await host.QueryAsync(db => db.Lookups.CountAsync(l => l.JobId == WellKnownJobs.Failing && l.UserName == "alice")));
        Assert.True(host.Get<WriteThrough>().Late >= 1);
    }

    [Fact]
    public async Task Budget_OutsideItsBounds_RefusesTheStartNamingTheKey()
    {
        using var temp = new TempStore();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:WriteThroughBudget"] = "00:00:00");
        });
        Assert.Contains("History:WriteThroughBudget", error.ToString());
    }
}
