using Filecheck.Dashboard.Tests.Support;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The jobs list's search, paging and step retention on a SQLite file.</summary>
public sealed class SearchAndRetentionTests(SyncedHistory history) : SearchAndRetentionEngineTests(history), IClassFixture<SyncedHistory>
{

    [Fact]
    public void FromQuery_AKeyThatDoesNotParse_IsTheFirstPage()
    {
        Assert.Null(JobsListState.FromQuery("after=notakey").After);
        Assert.Null(JobsListState.FromQuery("before=12.").Before);
        Assert.Equal("1764000000000.job_a", JobsListState.FromQuery("after=1764000000000.job_a").After);
    }
}

/// <summary>The same on fresh PostgreSQL databases.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class SearchAndRetentionPostgresTests(PostgresSyncedHistory history) : SearchAndRetentionEngineTests(history), IClassFixture<PostgresSyncedHistory>;

/// <summary>
/// The jobs list's search, paging and step retention on either engine: reads over one history synced for the class,
/// pruning on a store of its own.
/// </summary>
public abstract class SearchAndRetentionEngineTests(SyncedHistory history)
{
    private readonly SandboxFixture _sandbox = history.Sandbox;
    private readonly HistoryHost _shared = history.Host;

    /// <summary>The jobs list's search, as <c>/jobs?q=…</c> (and the old <c>/search?q=…</c>) runs it.</summary>
    private static Task<JobsListResult> SearchAsync(HistoryHost host, string? query, int page = 1, int pageSize = 25) =>
        host.Get<JobsListQuery>().LoadAsync(new JobsListState { Search = query, Page = page }, pageSize: pageSize);

    [Fact]
    public async Task SearchAsync_ByOrderCustomerOrEmail_ExactAndPrefix_EmailIgnoringCase()
    {
        var host = _shared;
        var job = _sandbox.Server.Jobs.Get(await host.QueryAsync(db => db.Jobs.Where(j => j.OrderId != null && j.CustomerEmail != null).Select(j => j.Id).FirstAsync()))!;

        var byOrder = await SearchAsync(host, job.OrderId);
        var byOrderPrefix = await SearchAsync(host, job.OrderId![..^1]);
        var byCustomer = await SearchAsync(host, job.CustomerId);
        var byEmail = await SearchAsync(host, job.CustomerEmail!.ToUpperInvariant());
        var byEmailPrefix = await SearchAsync(host, job.CustomerEmail![..4].ToUpperInvariant());
        var nothing = await SearchAsync(host, "order_that_does_not_exist");

        Assert.Contains(byOrder.Rows, h => h.Id == job.Id);
        Assert.All(byOrder.Rows, h => Assert.Equal(job.OrderId, h.OrderId));
        Assert.Contains(byOrderPrefix.Rows, h => h.Id == job.Id);
        Assert.True(byOrderPrefix.Total >= byOrder.Total);
        Assert.Equal(job.OrderId, byOrderPrefix.Rows[0].OrderId); // exact matches first
        Assert.Contains(byCustomer.Rows, h => h.Id == job.Id);
        Assert.Contains(byEmail.Rows, h => h.Id == job.Id);
        Assert.All(byEmail.Rows, h => Assert.Equal(job.CustomerEmail, h.CustomerEmail, ignoreCase: true));
        Assert.All(byEmailPrefix.Rows, h => Assert.StartsWith(job.CustomerEmail[..4], h.CustomerEmail!, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, nothing.Total);
        Assert.Null(nothing.Problem);
    }

    [Fact]
    public async Task LoadAsync_PageDeeperThanTheCountCap_IsRefusedWithAReason_InsteadOfSkippingEveryRow()
    {
        var host = _shared;

        var deep = await host.Get<JobsListQuery>().LoadAsync(new JobsListState { Range = JobsListRange.AllTime, Page = JobsListQuery.CountCap / 50 + 1 }, pageSize: 50);

        Assert.Empty(deep.Rows);
        Assert.Contains("Narrow the filters", deep.Problem);
    }

    [Fact]
    public async Task LoadAsync_NewestFirstPastTheCountCap_PagesOnByKey_ThroughEveryJobOnceAndBack()
    {
        var host = _shared;
        var query = host.Get<JobsListQuery>();
        const int pageSize = 7, countCap = 20;
        var all = await host.QueryAsync(db => db.Jobs.Where(j => j.CreatedAt != null).OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Select(j => j.Id).ToListAsync());
        Assert.True(all.Count > 3 * countCap, $"the sandbox has {all.Count} jobs");

        // Forward from the first page by the Next each page offers, as a person clicks it.
        var pages = new List<JobsListResult> { await query.LoadAsync(new JobsListState { Range = JobsListRange.AllTime }, CancellationToken.None, pageSize, countCap) };
        while (pages[^1].NextState is { } next)
        {
            Assert.True(pages.Count <= all.Count, "paging does not end");
            pages.Add(await query.LoadAsync(JobsListState.FromQuery(next.ToQuery()), CancellationToken.None, pageSize, countCap));
        }
        // Back from the last page by Previous.
        var back = new List<JobsListResult> { pages[^1] };
        while (back[^1].PreviousState is { } previous)
        {
            Assert.True(back.Count <= all.Count, "paging back does not end");
            back.Add(await query.LoadAsync(JobsListState.FromQuery(previous.ToQuery()), CancellationToken.None, pageSize, countCap));
        }

        Assert.All(pages, p => Assert.Null(p.Problem));
        Assert.Equal(all, pages.SelectMany(p => p.Rows).Select(r => r.Id));
        Assert.Contains(pages, p => p.State.After is not null && p.State.ToQuery().Contains("after=", StringComparison.Ordinal));
        Assert.Equal(all, Enumerable.Reverse(back).SelectMany(p => p.Rows).Select(r => r.Id));
    }

    [Fact]
    public async Task LoadAsync_MoreMatchesThanTheCap_CountsToTheCapAndSaysPlus()
    {
        var host = _shared;

        var list = await host.Get<JobsListQuery>().LoadAsync(new JobsListState { Range = JobsListRange.AllTime }, CancellationToken.None, 5, 20);

        Assert.True(list.TotalCapped);
        Assert.Equal(20, list.Total);
        Assert.Equal("20+", list.TotalText);
        Assert.Equal(5, list.Rows.Count);
    }

    [Fact]
    public async Task LoadAsync_FileNameSearchOverAllTime_IsBoundedTo90Days_AndSaysSo()
    {
        var host = _shared;

        var list = await host.Get<JobsListQuery>().LoadAsync(new JobsListState { FileName = "pdf", Range = JobsListRange.AllTime });

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.NotNull(list.FirstDay);
        Assert.InRange(list.FirstDay!.Value, today.AddDays(-JobsListQuery.FileNameSearchDays - 1), today.AddDays(1 - JobsListQuery.FileNameSearchDays + 1));
        Assert.Contains("90 days", list.Notice);
        Assert.All(list.Rows, r => Assert.True(r.CreatedAt >= new DateTimeOffset(list.FirstDay.Value.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
    }

    [Fact]
    public async Task SearchAsync_Paged_EveryHitOnceAcrossPages()
    {
        var host = _shared;
        // A prefix _shared by many jobs' order IDs.
        var prefix = (await host.QueryAsync(db => db.Jobs.Where(j => j.OrderId != null).Select(j => j.OrderId!).FirstAsync()))[..4];
        var expected = await host.QueryAsync(db => db.Jobs.CountAsync(j => j.OrderId!.StartsWith(prefix) || j.CustomerId!.StartsWith(prefix) || j.CustomerEmailLower!.StartsWith(prefix.ToLower())));
        Assert.True(expected > 10, "the prefix should match many jobs");

        var seen = new List<string>();
        var first = await SearchAsync(host, prefix, page: 1, pageSize: 7);
        for (var p = 1; p <= first.PageCount; p++) seen.AddRange((await SearchAsync(host, prefix, p, 7)).Rows.Select(h => h.Id));

        Assert.Equal(expected, first.Total);
        Assert.Equal(expected, seen.Count);
        Assert.Equal(expected, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("ab%00c")]
    [InlineData("order%0A1")]
    [InlineData("LONG")]
    public async Task Search_BadQuery_SaysWhyAndFindsNothing(string query)
    {
        var host = _shared;
        var state = JobsListState.FromQuery("?q=" + (query == "LONG" ? new string('x', 201) : query));

        var page = await host.Get<JobsListQuery>().LoadAsync(state);

        Assert.NotNull(page.Problem);
        Assert.Empty(page.Rows);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task PruneStepDetails_OlderThanTheRetention_RemovesStepsKeepsJobsAndIsNotRefetched()
    {
        await using var store = await EngineStore.NewAsync(history.OnPostgres);
        await using var host = await SyncedHistory.SyncAsync(_sandbox, store);
        var jobs = await host.QueryAsync(db => db.Jobs.CountAsync());
        Assert.True(await host.QueryAsync(db => db.Steps.CountAsync()) > 0);
        var cutoff = await host.QueryAsync(db => db.Jobs.OrderBy(j => j.CreatedAt).Skip(jobs / 2).Select(j => j.CreatedAt).FirstAsync());

        var pruned = await host.Writer.PruneStepDetailsAsync(cutoff!.Value);

        Assert.True(pruned > 0);
        Assert.Equal(jobs, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(0, await host.QueryAsync(db => db.Steps.CountAsync(s => db.Set<JobRecord>().Any(j => j.Id == s.JobId && j.CreatedAt < cutoff))));
        Assert.True(await host.QueryAsync(db => db.Steps.CountAsync()) > 0); // newer jobs keep theirs
        var prunedBody = await host.QueryAsync(db => db.Jobs.Where(j => j.StepsPrunedAt != null).Select(j => j.Body).FirstAsync());
        Assert.DoesNotContain("\"steps\":[{", prunedBody);
        Assert.Empty((await host.Reads.PendingDetailsAsync(100_000, DateTimeOffset.MinValue)).Intersect(
            await host.QueryAsync(db => db.Jobs.Where(j => j.StepsPrunedAt != null).Select(j => j.Id).ToListAsync())));
        _sandbox.Server.Requests.Reset();
        var again = await host.Get<HistorySyncRunner>().RunOnceAsync();
        Assert.True(again.Completed);
        Assert.Equal(0, again.DetailsFetched); // pruned jobs are not fetched again to refill their steps
    }
}
