using System.Net;
using System.Security.Claims;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Limits;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Dashboard.Tests.History;
using Filecheck.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>Per-person limits, keyed on the user's stable ID: lookups in the service, proofs, downloads and raw JSON over HTTP.</summary>
public sealed class UserLimitTests
{
    public static ClaimsPrincipal Person(string oid, string name) => new(new ClaimsIdentity(
        [new Claim("oid", oid), new Claim(ClaimTypes.Name, name)], authenticationType: "test"));

    [Fact]
    public void Defaults_AreWhatNobodyReachesByWorking()
    {
        var o = new UserLimitsOptions();

        Assert.Equal((120, 1200, 60, 60), (o.LookupsPerMinute, o.ProofsPerMinute, o.DownloadsPerMinute, o.RawJsonPerMinute));
    }

    [Theory]
    [InlineData("Limits:LookupsPerMinute")]
    [InlineData("Limits:ProofsPerMinute")]
    [InlineData("Limits:DownloadsPerMinute")]
    [InlineData("Limits:RawJsonPerMinute")]
    public void Validator_Zero_NamesTheKey(string key)
    {
        var o = new UserLimitsOptions();
        typeof(UserLimitsOptions).GetProperty(key.Split(':')[1])!.SetValue(o, 0);

        var result = new UserLimitsOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage);
    }

    [Fact]
    public async Task Lookups_OverThePersonsLimit_TooManyWithWhenToTryAgain_NamesakeAndOthersUnaffected()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 20, NewJobEvery = null });
        using var db = new TempStore();
        await using var host = await HistoryHost.StartAsync(sandbox, db.File, s => s["Limits:LookupsPerMinute"] = "3");
        var alex = Person("oid-alex", "Alex Kim");
        var namesake = Person("oid-other-alex", "Alex Kim");

        async Task<JobLoad> LookUp(ClaimsPrincipal user)
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<JobLookupService>().LoadAsync(WellKnownJobs.Passing, user);
        }

        for (var i = 0; i < 3; i++) Assert.Null((await LookUp(alex)).Problem);
        var limited = await LookUp(alex);

        Assert.Equal(JobProblemKind.TooManyRequests, limited.Problem?.Kind);
        Assert.Matches(@"^Too many lookups; try again in \d+ s\.$", limited.Problem!.Detail);
        // Partitioned by the stable ID, not the display name.
        Assert.Null((await LookUp(namesake)).Problem);
        // A limited lookup asks Filecheck nothing and writes nothing.
        Assert.Equal(3, await host.QueryAsync(d => d.Lookups.CountAsync(l => l.UserId == "oid-alex")));
    }

    [Fact]
    public async Task Endpoints_OverEachLimit_429PageWithRetryAfter_PerUser()
    {
        var settings = DashboardApp.DemoSettings();
        settings["History:Sync:Enabled"] = "false";
        settings["Limits:ProofsPerMinute"] = "2";
        settings["Limits:DownloadsPerMinute"] = "2";
        settings["Limits:RawJsonPerMinute"] = "2";
        await using var app = new DashboardApp("Development", settings);
        var staff = await app.SignedInClientAsync("staff");
        var admin = await app.SignedInClientAsync("admin");
        var (jobId, task) = await FileWithOutputAsync(app);

        foreach (var (url, noun) in new[]
        {
            ($"/jobs/{jobId}/files/{task}/proofs/1", "proof images"),
            ($"/jobs/{jobId}/files/{task}/download", "downloads"),
            ($"/jobs/{jobId}/raw.json", "raw JSON requests"),
        })
        {
            for (var i = 0; i < 2; i++) Assert.NotEqual(HttpStatusCode.TooManyRequests, (await staff.GetAsync(url)).StatusCode);

            var limited = await staff.GetAsync(url);

            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            var seconds = Assert.Single(limited.Headers.GetValues("Retry-After"));
            Assert.InRange(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.Contains($"Too many {noun}; try again in {seconds} s.", await limited.Content.ReadAsStringAsync());
            // Another person's budget is their own.
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await admin.GetAsync(url)).StatusCode);
        }
    }

    /// <summary>A well-known job's file that has both a proof and an output to download.</summary>
    internal static async Task<(string Job, string Task)> FileWithOutputAsync(DashboardApp app)
    {
        var client = app.Services.GetRequiredService<Filecheck.Api.IFilecheckClient>();
        foreach (var id in new[] { WellKnownJobs.Passing, WellKnownJobs.Fixed, WellKnownJobs.Warning, WellKnownJobs.Failing })
        {
            var runs = await client.GetRunsAsync(Filecheck.Api.JobId.Parse(id));
            if (runs.Value?.Runs.FirstOrDefault(r => r.DownloadUrl is not null && r.Proofs.Count > 0) is { } run) return (id, run.Id);
        }
        throw new InvalidOperationException("No well-known job has a file with a proof and a download.");
    }

    [Fact]
    public async Task ProofViewAndDownload_AreAuditedByTheStableId()
    {
        var settings = DashboardApp.DemoSettings();
        settings["History:Sync:Enabled"] = "false";
        await using var app = new DashboardApp("Development", settings);
        var staff = await app.SignedInClientAsync("staff");
        var (jobId, task) = await FileWithOutputAsync(app);

        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/jobs/{jobId}/files/{task}/proofs/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.GetAsync($"/jobs/{jobId}/files/{task}/download")).StatusCode);
        // Proof views and downloads wait in the read audit until its next fold.
        await app.Services.GetRequiredService<ReadAuditJournal>().FoldNowAsync();
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/jobs/{jobId}/raw.json")).StatusCode);
        // The raw JSON's audit line is written through, within its budget or after it.
        await app.Services.GetRequiredService<Filecheck.Dashboard.History.WriteThrough>().IdleAsync();

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var audit = await db.Lookups.AsNoTracking().Where(l => l.JobId == jobId).OrderBy(l => l.Id)
            .Select(l => new { l.UserId, l.UserName, l.Action, l.Result }).ToListAsync();
        Assert.Equal([AuditActions.Proof, AuditActions.Download, AuditActions.RawJson], audit.Select(a => a.Action));
        // The demo user's stable ID (its name identifier), the display name beside it.
        Assert.Single(audit.Select(a => a.UserId).Distinct());
        Assert.All(audit, a => Assert.NotEqual(a.UserName, a.UserId));
        Assert.All(audit, a => Assert.False(string.IsNullOrEmpty(a.UserName)));
        Assert.Equal($"shown {task} proof 1", audit[0].Result);
        Assert.Equal($"sent {task}", audit[1].Result);
    }
}
