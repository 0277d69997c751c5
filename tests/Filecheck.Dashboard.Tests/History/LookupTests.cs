using Filecheck.Dashboard.Tests.Support;
using Filecheck.Api;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Tests.History;

public sealed class LookupTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    public void Dispose() => sandbox.Server.Faults.Clear();

    [Fact]
    public async Task LoadAsync_TerminalJobFetchedWithinCacheAge_ServedFromStoreWithoutAskingFilecheck()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var path = "/jobs/" + WellKnownJobs.Failing;
        var before = sandbox.Server.Requests.Count(path);

        var first = await host.LookUpAsync(WellKnownJobs.Failing, "alice");
        var second = await host.LookUpAsync(WellKnownJobs.Failing, "bob");

        Assert.False(first.FromStore);
        Assert.True(second.FromStore);
        Assert.Null(second.Stale);
        Assert.Equal(before + 1, sandbox.Server.Requests.Count(path));
        Assert.Equal(first.View!.Job.Outcome, second.View!.Job.Outcome);
        Assert.Equal(first.View.Job.Tasks!.Count, second.View.Job.Tasks!.Count);
        var audit = await host.QueryAsync(db => db.Lookups.OrderBy(l => l.Id).Select(l => new { l.UserName, l.Result, l.JobId }).ToListAsync());
        Assert.Equal([("alice", "fresh"), ("bob", "cache")], audit.Select(a => (a.UserName, a.Result)));
        Assert.All(audit, a => Assert.Equal(WellKnownJobs.Failing, a.JobId));
    }

    [Fact]
    public async Task GetJobAsync_StoredBodyUnchanged_HandsOutTheSameParsedCopyWithoutParsingAgain()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        await host.LookUpAsync(WellKnownJobs.Large, "alice");

        var first = await host.Reads.GetJobAsync(WellKnownJobs.Large);
        var second = await host.Reads.GetJobAsync(WellKnownJobs.Large);

        Assert.Same(first!.Job, second!.Job);
        Assert.True(second.IsTerminal);
    }

    [Fact]
    public async Task GetJobAsync_SameBodyVersion_HandsOutTheCopyWithoutReadingTheBodyAgain()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        await host.LookUpAsync(WellKnownJobs.Large, "alice");
        var first = await host.Reads.GetJobAsync(WellKnownJobs.Large);

        // The body changed behind the writer's back, its version not: a reader that read the body would see no job.
        await host.QueryAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE \"Jobs\" SET \"Body\" = 'not a job' WHERE \"Id\" = {WellKnownJobs.Large}"));
        var second = await host.Reads.GetJobAsync(WellKnownJobs.Large);

        Assert.Same(first!.Job, second?.Job);
    }

    [Fact]
    public async Task GetJobAsync_StoredBodyChanged_ParsesTheNewBody()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        await host.LookUpAsync(WellKnownJobs.Passing, "alice");
        var first = await host.Reads.GetJobAsync(WellKnownJobs.Passing);

        await host.Writer.SaveJobAsync(first!.Job with { Outcome = "changed-by-test" }, Filecheck.Dashboard.Jobs.JobSources.Lookup);
        var second = await host.Reads.GetJobAsync(WellKnownJobs.Passing);

        Assert.NotSame(first.Job, second!.Job);
        Assert.Equal("changed-by-test", second.Job.Outcome);
    }

    [Fact]
    public async Task LoadAsync_RefreshWithinCacheAge_AsksFilecheckAnyway()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var path = "/jobs/" + WellKnownJobs.Passing;
        await host.LookUpAsync(WellKnownJobs.Passing, "alice");
        var before = sandbox.Server.Requests.Count(path);

        var refreshed = await host.LookUpAsync(WellKnownJobs.Passing, "alice", refresh: true);

        Assert.False(refreshed.FromStore);
        Assert.Equal(before + 1, sandbox.Server.Requests.Count(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LoadAsync_CacheAgeElapsedOrJobRunning_AsksFilecheckAgainWithoutDuplicatingRows(bool running)
    {
        using var temp = new TempStore();
        // Elapsed: a terminal job with no cache age at all. Running: the default cache age, but the job is not done yet.
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s =>
        {
            if (!running) s["History:CacheAge"] = "00:00:00";
        });
        Assert.Equal(running ? TimeSpan.FromMinutes(10) : TimeSpan.Zero, host.Get<Microsoft.Extensions.Options.IOptions<Filecheck.Dashboard.History.HistoryOptions>>().Value.CacheAge);
        var id = running ? sandbox.Server.Jobs.CreateRunningJob(files: 2, stepDuration: TimeSpan.FromHours(1)) : WellKnownJobs.Fixed;
        var path = "/jobs/" + id;
        var before = sandbox.Server.Requests.Count(path);

        for (var i = 0; i < 3; i++)
        {
            var load = await host.LookUpAsync(id, "alice");
            Assert.False(load.FromStore);
            Assert.Equal(running, !load.View!.Job.IsTerminal);
        }

        Assert.Equal(before + 3, sandbox.Server.Requests.Count(path));
        Assert.Equal(1, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal(1, await host.QueryAsync(db => db.Snapshots.CountAsync()));
        var steps = sandbox.Server.Jobs.Get(id)!.Tasks!.Sum(t => t.Steps!.Count);
        Assert.Equal(steps, await host.QueryAsync(db => db.Steps.CountAsync()));
    }

    [Fact]
    public async Task LoadAsync_StoresTheBodyWithoutAnySignedUrl()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        var fresh = await host.Get<IFilecheckClient>().GetJobAsync(JobId.Parse(WellKnownJobs.Fixed));
        var rawJson = System.Text.Json.JsonSerializer.Serialize(fresh.Value!, FilecheckJsonContext.Default.Job);
        Assert.Contains("sig=", rawJson); // the API's answer does carry signed URLs...

        await host.LookUpAsync(WellKnownJobs.Fixed, "alice");

        var body = await host.QueryAsync(db => db.Jobs.Select(j => j.Body).SingleAsync());
        Assert.DoesNotContain("sig=", body); // ...the store does not
        Assert.DoesNotContain("expires=", body);
        Assert.DoesNotContain("\"downloadUrl\":\"", body);
        Assert.Contains(WellKnownJobs.Fixed, body);
    }

    [Theory]
    [InlineData(SandboxFault.Unavailable, FilecheckFailureKind.Unavailable)]
    [InlineData(SandboxFault.RateLimited, FilecheckFailureKind.RateLimited)]
    [InlineData(SandboxFault.MalformedJson, FilecheckFailureKind.Malformed)]
    public async Task LoadAsync_FilecheckFails_ServesTheStoredCopyMarkedStaleWithTheReason(SandboxFault fault, FilecheckFailureKind kind)
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File, s => s["History:CacheAge"] = "00:00:00");
        var fresh = await host.LookUpAsync(WellKnownJobs.Warning, "alice");
        Assert.NotNull(fresh.View);
        var fetchedAt = await host.QueryAsync(db => db.Jobs.Select(j => j.LastFetchedAt).SingleAsync());

        sandbox.Server.Faults.RetryAfterSeconds = 0;
        sandbox.Server.Faults.Always(fault);
        var stale = await host.LookUpAsync(WellKnownJobs.Warning, "bob");

        Assert.Null(stale.Problem);
        Assert.NotNull(stale.Stale);
        Assert.Equal(kind, stale.Stale!.Kind);
        Assert.Equal(fetchedAt, stale.Stale.Since);
        Assert.StartsWith("Filecheck", stale.Stale.Reason);
        Assert.Equal(fresh.View!.Job.Outcome, stale.View!.Job.Outcome);
        Assert.Equal(fresh.View.Job.Tasks!.Count, stale.View.Job.Tasks!.Count);
        Assert.Equal("stale:" + kind, await host.QueryAsync(db => db.Lookups.Where(l => l.UserName == "bob").Select(l => l.Result).SingleAsync()));
    }

    [Fact]
    public async Task LoadAsync_FilecheckDownAndJobNeverSeen_ShowsTheProblem()
    {
        using var temp = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox.Server, temp.File);
        sandbox.Server.Faults.Always(SandboxFault.Unavailable);

        var load = await host.LookUpAsync(WellKnownJobs.Passing, "alice");

        Assert.Null(load.View);
        Assert.Equal(Filecheck.Dashboard.Jobs.JobProblemKind.Unavailable, load.Problem!.Kind);
        Assert.Equal(0, await host.QueryAsync(db => db.Jobs.CountAsync()));
        Assert.Equal("failed:Unavailable", await host.QueryAsync(db => db.Lookups.Select(l => l.Result).SingleAsync()));
    }
}
