using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The one jobs list over a real SQLite history synced from the sandbox over HTTP.</summary>
public sealed class JobsListTests(SyncedHistory history) : JobsListFiltersEngineTests(history), IClassFixture<SyncedHistory>
{

    [Theory]
    [InlineData("")]
    [InlineData("?q=order_1&range=30&status=done&outcome=fail&channel=web&workflow=wf_cards&file=cover.pdf&order=o1&customer=c1&email=a%40b.example&sort=files&desc=0&page=3")]
    [InlineData("?from=2026-11-01&to=2026-11-30&filetype=pdf&reason=Font%20not%20embedded&finished=1")]
    public void State_RoundTripsThroughItsQueryString(string query)
    {
        var state = JobsListState.FromQuery(query);

        Assert.Equal(state, JobsListState.FromQuery("?" + state.ToQuery()));
    }

    [Theory]
    [InlineData("?range=12", null)]
    [InlineData("?range=all", "all")]
    [InlineData("?page=-1&sort=drop%20table", null)]
    [InlineData("?status=%00&file=a%0Ab", null)]
    public void State_UnknownOrHiddenValues_AreDropped(string query, string? range)
    {
        var state = JobsListState.FromQuery(query);

        Assert.Equal(range, state.Range);
        Assert.Equal(1, state.Page);
        Assert.Equal(JobsListSort.Created, state.Sort);
        Assert.Null(state.Status);
        Assert.Null(state.FileName);
    }
}

/// <summary>The same list over a history synced into a fresh PostgreSQL database.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class JobsListPostgresTests(PostgresSyncedHistory history) : JobsListFiltersEngineTests(history), IClassFixture<PostgresSyncedHistory>;

/// <summary>The jobs list's filters, choices and ranges on either engine, over one history synced for the class.</summary>
public abstract class JobsListFiltersEngineTests(SyncedHistory history)
{
    private readonly SandboxFixture _sandbox = history.Sandbox;
    private readonly HistoryHost _host = history.Host;

    /// <summary>The list as the page builds it, on the sandbox's clock (so "the last 7 days" are the sandbox's).</summary>
    private JobsListQuery List() =>
        new(_host.Get<IDbContextFactory<DashboardDbContext>>(), _host.Get<StoreMigrator>(), RollupZone.Utc, _sandbox.Clock);

    [Fact]
    public async Task NothingChosen_ListsTheLastSevenDaysNewestFirst()
    {
        var today = DateOnly.FromDateTime(_sandbox.Clock.GetUtcNow().UtcDateTime);
        var since = new DateTimeOffset(today.AddDays(-6).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var all = await _host.QueryAsync(db => db.Jobs.CountAsync());
        var expected = await _host.QueryAsync(db => db.Jobs.Where(j => j.CreatedAt >= since).OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Select(j => j.Id).ToListAsync());

        var page = await List().LoadAsync(new JobsListState(), pageSize: 500);

        Assert.InRange(expected.Count, 1, all - 1);
        Assert.Equal(today.AddDays(-6), page.FirstDay);
        Assert.Equal(expected, page.Rows.Select(r => r.Id));
        Assert.Equal(expected.Count, page.Total);
    }

    [Fact]
    public async Task Search_LooksOverTheWholeHistory_AndAPickedRangeNarrowsIt()
    {
        var since = _sandbox.Clock.GetUtcNow().AddDays(-30);
        var old = await _host.QueryAsync(db => db.Jobs.Where(j => j.OrderId != null && j.CreatedAt < since).OrderBy(j => j.CreatedAt).FirstAsync());

        var found = await List().LoadAsync(JobsListState.FromQuery("?q=" + Uri.EscapeDataString(old.OrderId!)));
        var lastWeek = await List().LoadAsync(JobsListState.FromQuery("?range=7&q=" + Uri.EscapeDataString(old.OrderId!)));

        Assert.Null(found.FirstDay);
        Assert.Contains(found.Rows, r => r.Id == old.Id);
        Assert.DoesNotContain(lastWeek.Rows, r => r.Id == old.Id);
    }

    [Fact]
    public async Task EachFilter_KeepsOnlyTheJobsItNames_AndFindsThePickedOne()
    {
        // Within the days a file-name search reads (it scans, so it is bounded in time).
        var recent = DateTimeOffset.UtcNow.AddDays(2 - JobsListQuery.FileNameSearchDays);
        var job = await _host.QueryAsync(db => db.Jobs.Where(j => j.OrderId != null && j.CustomerId != null && j.CustomerEmail != null
            && j.Channel != null && j.WorkflowId != null && j.HasDetails && j.CreatedAt >= recent).OrderBy(j => j.Id).FirstAsync());
        var task = await _host.QueryAsync(db => db.Tasks.Where(t => t.JobId == job.Id && t.FileName != null && t.FileName.Length >= 6).FirstAsync());
        var namePart = task.FileName!.Substring(1, 4).ToUpperInvariant();
        var everything = new JobsListState { Range = JobsListRange.AllTime };
        var withName = await _host.QueryAsync(db => db.Tasks.Where(t => t.FileName != null)
            .Join(db.Jobs, t => t.JobId, j => j.Id, (t, j) => new { t.JobId, t.FileName, j.CreatedAt }).ToListAsync());
        var list = List();

        async Task<JobsListResult> Load(JobsListState s) => await list.LoadAsync(s, pageSize: 200);
        var byStatus = await Load(everything with { Status = job.Status });
        var byWorkflow = await Load(everything with { Workflow = job.WorkflowId });
        var byChannel = await Load(everything with { Channel = job.Channel });
        var byOrder = await Load(everything with { OrderId = job.OrderId });
        var byCustomer = await Load(everything with { CustomerId = job.CustomerId });
        var byEmail = await Load(everything with { Email = job.CustomerEmail!.ToUpperInvariant() });
        var byFile = await Load(everything with { FileName = namePart });
        var combined = await Load(everything with { Channel = job.Channel, Status = job.Status, OrderId = job.OrderId });

        // The broad filters count what the store holds; the narrow ones find the picked job on their first page.
        Assert.Equal(await _host.QueryAsync(db => db.Jobs.CountAsync(j => j.Status == job.Status)), byStatus.Total);
        Assert.Equal(await _host.QueryAsync(db => db.Jobs.CountAsync(j => j.WorkflowId == job.WorkflowId)), byWorkflow.Total);
        Assert.Equal(await _host.QueryAsync(db => db.Jobs.CountAsync(j => j.Channel == job.Channel)), byChannel.Total);
        foreach (var result in new[] { byOrder, byCustomer, byEmail, byFile, combined })
            Assert.Contains(result.Rows, r => r.Id == job.Id);
        Assert.All(byStatus.Rows, r => Assert.Equal(job.Status, r.Status));
        Assert.All(byWorkflow.Rows, r => Assert.Equal(job.WorkflowId, r.WorkflowId));
        Assert.All(byChannel.Rows, r => Assert.Equal(job.Channel, r.Channel));
        Assert.All(byOrder.Rows, r => Assert.Equal(job.OrderId, r.OrderId));
        Assert.All(byCustomer.Rows, r => Assert.Equal(job.CustomerId, r.CustomerId));
        Assert.All(byEmail.Rows, r => Assert.Equal(job.CustomerEmail, r.CustomerEmail, ignoreCase: true));
        var fileNameStart = JobsListQuery.UtcBounds(byFile.FirstDay!.Value, byFile.FirstDay.Value, TimeZoneInfo.Utc).Start;
        var jobsWithName = withName.Where(t => t.FileName!.Contains(namePart, StringComparison.OrdinalIgnoreCase) && t.CreatedAt >= fileNameStart)
            .Select(t => t.JobId).Distinct().ToHashSet();
        Assert.Equal(jobsWithName.Count, byFile.Total);
        Assert.All(byFile.Rows, r => Assert.Contains(r.Id, jobsWithName));
        Assert.All(combined.Rows, r => Assert.Equal((job.Channel, job.Status, job.OrderId), (r.Channel, r.Status, r.OrderId)));
        Assert.True(byStatus.Total > byOrder.Total, "a status is shared by more jobs than one order");
    }

    [Fact]
    public async Task FileName_PercentAndUnderscore_AreLiteral()
    {

        var page = await List().LoadAsync(new JobsListState { Range = JobsListRange.AllTime, FileName = "%" });
        var underscore = await List().LoadAsync(new JobsListState { Range = JobsListRange.AllTime, FileName = "_" });
        var start = JobsListQuery.UtcBounds(underscore.FirstDay!.Value, underscore.FirstDay.Value, TimeZoneInfo.Utc).Start;
        var expectedUnderscore = await _host.QueryAsync(db => db.Tasks.Where(t => t.FileName!.Contains("_"))
            .Join(db.Jobs.Where(j => j.CreatedAt >= start), t => t.JobId, j => j.Id, (t, j) => t.JobId).Distinct().CountAsync());

        Assert.Equal(0, page.Total);
        Assert.Equal(expectedUnderscore, underscore.Total);
    }

    [Fact]
    public async Task Choices_AreTheValuesTheHistoryHolds()
    {
        var channels = await _host.QueryAsync(db => db.Jobs.Where(j => j.Channel != null).Select(j => j.Channel!).Distinct().OrderBy(c => c).ToListAsync());

        var choices = await List().ChoicesAsync();

        Assert.Equal(channels, choices.Channels);
        Assert.Contains("done", choices.Statuses);
        Assert.NotEmpty(choices.Workflows);
    }
}
