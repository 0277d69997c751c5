using System.Net;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// The whole dashboard in memory as production runs it (<see cref="ProductionApp"/>), its Filecheck API a sandbox whose
/// clock the test moves (so its signed URLs expire), with its own SQLite file.
/// </summary>
public class SharingApp : ProductionApp
{
    public SharingApp() : this(null)
    {
    }

    public SharingApp(Dictionary<string, string?>? extra, int jobCount = 40) : this(new FakeTimeProvider(DateTimeOffset.UtcNow), extra, jobCount)
    {
    }

    private SharingApp(FakeTimeProvider clock, Dictionary<string, string?>? extra, int jobCount)
        : base(Settings(extra), new SandboxOptions { JobCount = jobCount, Seed = 5, Clock = clock, NewJobEvery = null }) =>
        SandboxClock = clock;

    public FakeTimeProvider SandboxClock { get; }

    private static Dictionary<string, string?> Settings(Dictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?> { ["History:Sync:Enabled"] = "false" };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return settings;
    }

    public ShareLinkService Shares => Services.GetRequiredService<ShareLinkService>();

    /// <summary>Shares the given files (default: every file of the well-known warning job) the way the dialog does.</summary>
    public async Task<CreatedShare> ShareAsync(string jobId = WellKnownJobs.Warning, Func<Filecheck.Api.Models.Job, IEnumerable<Filecheck.Api.Models.JobTask>>? pick = null,
        bool askApproval = true, bool allowDownloads = true, string? note = null)
    {
        var job = Sandbox.Jobs.Get(jobId)!;
        var tasks = (pick ?? (j => j.Tasks!))(job).ToList();
        var result = await Shares.CreateAsync(new ShareRequest
        {
            Files = tasks.Select(t => new ShareFile(jobId, t.Id, t.DisplayName)).ToList(),
            AskApproval = askApproval,
            AllowDownloads = allowDownloads,
            Note = note,
            RecipientName = "Ada Customer",
            RecipientEmail = "ada@example.com",
        }, "Casey CS");
        Assert.Null(result.Error);
        return result.Share!;
    }

    /// <summary>Shares the first file of each of the newest <paramref name="jobs"/> jobs (that have a file) in one link.</summary>
    public async Task<(CreatedShare Share, IReadOnlyList<string> JobIds)> ShareManyJobsAsync(int jobs)
    {
        var listed = await Services.GetRequiredService<Filecheck.Api.IFilecheckClient>().ListJobsAsync(100);
        Assert.True(listed.IsSuccess);
        var files = listed.Value.Jobs.Select(e => Sandbox.Jobs.Get(e.Id)).Where(j => j?.Tasks is { Count: > 0 })
            .Take(jobs).Select(j => new ShareFile(j!.Id, j.Tasks![0].Id, j.Tasks[0].DisplayName)).ToList();
        Assert.Equal(jobs, files.Count);
        var result = await Shares.CreateAsync(new ShareRequest { Files = files, AskApproval = true, RecipientName = "Ada Customer" }, "Casey CS");
        Assert.Null(result.Error);
        return (result.Share!, files.Select(f => f.JobId).ToList());
    }

    public async Task<T> QueryAsync<T>(Func<DashboardDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>Moves a share's expiry into the past, as the passing of days would.</summary>
    public Task ExpireAsync(long shareId) => QueryAsync(db => db.Shares.Where(s => s.Id == shareId)
        .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));

    public HttpClient Anonymous(CookieContainer? jar = null) => NewClient(jar);
}
