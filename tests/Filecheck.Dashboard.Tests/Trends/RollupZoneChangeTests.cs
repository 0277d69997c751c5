using Filecheck.Dashboard.Tests.Support;
using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Filecheck.Dashboard.Tests.Trends;

/// <summary>A new <c>Trends:TimeZone</c> on a store counted in another: found at start, rebuilt, and the zone kept.</summary>
public sealed class RollupZoneChangeTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>Jobs just after midnight UTC: the evening before in New York, so the two zones count them on different days.</summary>
    private static Job Job(int i) => new()
    {
        Id = $"job_zone_{i}", CreatedAt = DateTimeOffset.Parse("2026-11-02T01:30:00Z").AddDays(i), ModifiedAt = DateTimeOffset.Parse("2026-11-02T01:40:00Z").AddDays(i),
        Status = "done", Outcome = i % 2 == 0 ? "pass" : "fail", Channel = "store", WorkflowId = "wf_cards",
        Tasks = [new JobTask { Id = $"task_{i}", Status = "done", Outcome = i % 2 == 0 ? "pass" : "fail", FileType = "pdf" }],
    };

    [Fact]
    public async Task Start_WithAnotherZoneThanTheRollupsWereCountedIn_RebuildsThemInTheNewZoneAndKeepsIt()
    {
        using var utc = new RollupHarness(TimeZoneInfo.Utc);
        await utc.Migrator.EnsureReadyAsync();
        Assert.False(await utc.Rebuild.NeedsRebuildAsync(CancellationToken.None));
        var jobs = Enumerable.Range(0, 4).Select(Job).ToList();
        foreach (var job in jobs) await utc.Store.SaveJobAsync(job, HistorySource.Details);
        // The same store started again with Trends:TimeZone=America/New_York.
        var writer = new RollupWriter(new RollupZone(NewYork));
        var history = new HistoryWriter(utc.Gate, [writer]);
        var rebuild = new RollupRebuild(utc.Db, utc.Migrator, history, writer, TimeProvider.System, NullLogger<RollupRebuild>.Instance, SingleInstance.Leases);

        Assert.True(await rebuild.NeedsRebuildAsync(CancellationToken.None));
        Assert.Equal("UTC", rebuild.RebuildingFromZone);
        await rebuild.RunAsync(CancellationToken.None);

        Assert.Null(rebuild.Progress.Error);
        Assert.Null(rebuild.RebuildingFromZone);
        var expected = RollupSnapshot.Recompute(jobs.Select(j => (j, (Job?)j)), NewYork);
        var actual = await RollupSnapshot.ReadAsync(utc.Db);
        Assert.Equal(expected.Outcomes, actual.Outcomes);
        Assert.Equal(expected.Steps, actual.Steps);
        await using var db = utc.Db.CreateDbContext();
        Assert.Equal(NewYork.Id, (await db.Set<RollupState>().SingleAsync()).TimeZone);
        Assert.False(await rebuild.NeedsRebuildAsync(CancellationToken.None));
    }
}
