using System.Security.Claims;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Tests.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs.Checks;

/// <summary>A check from a signed address on a SQLite file: Filecheck gets the whole address, the store keeps none of its signature.</summary>
public sealed class CheckSourceStorageTests : CheckAuditEngineTests
{
    protected override bool OnPostgres => false;

    [Fact]
    public void HistoryBody_TaskSourceWithAQuery_KeepsTheAddressWithoutItsQuery()
    {
        var job = new Job
        {
            Id = "job_source_1",
            Tasks = [new JobTask { Id = "task_1", Source = Signed }, new JobTask { Id = "task_2", Source = "https://cdn.example.com/b.pdf?v=2" }],
        };

        var body = JobBody.Serialize(job);

        Assert.DoesNotContain("X-Amz", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("?", body);
        var read = JobBody.Deserialize(body)!;
        Assert.Equal("https://bucket.s3.eu-west-1.amazonaws.com/cards/front.pdf", read.Tasks![0].Source);
        Assert.Equal("https://cdn.example.com/b.pdf", read.Tasks[1].Source);
        Assert.Equal("front.pdf", read.Tasks[0].Name);
    }
}

/// <summary>The checks audit and its hourly budget on a fresh PostgreSQL database a test.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class CheckAuditPostgresTests : CheckAuditEngineTests
{
    protected override bool OnPostgres => true;
}

/// <summary>The new-check audit through <see cref="CheckService"/> over the whole app (its Filecheck a sandbox), on either engine.</summary>
public abstract class CheckAuditEngineTests
{
    protected const string Signed = "https://bucket.s3.eu-west-1.amazonaws.com/cards/front.pdf"
        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261207&X-Amz-Signature=0123abcd#page=2";

    /// <summary>True for the PostgreSQL variant.</summary>
    protected abstract bool OnPostgres { get; }

    private static ClaimsPrincipal Staff(string id, string name) =>
        new(new ClaimsIdentity([new Claim("sub", id), new Claim(ClaimTypes.Name, name)], "test"));

    private static async Task<CheckSubmission> SubmitAsync(ProductionApp app, ClaimsPrincipal user, string url = Signed, string note = "customer sent a new link")
    {
        using var scope = app.Services.CreateScope();
        var form = new CheckForm { Source = CheckSource.Url, Url = url, Note = note, Confirmed = true };
        return await scope.ServiceProvider.GetRequiredService<CheckService>().SubmitAsync(form, null, user);
    }

    [Fact]
    public async Task SubmitAsync_FromASignedUrl_StoresTheAddressWithoutQueryOrFragment()
    {
        await using var store = await EngineStore.NewAsync(OnPostgres);
        await using var app = new ProductionApp(store.On([]));

        var submitted = await SubmitAsync(app, Staff("staff-1", "Sam Staff"));

        Assert.Null(submitted.Problem);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var row = await db.Checks.AsNoTracking().SingleAsync();
        Assert.Equal("url https://bucket.s3.eu-west-1.amazonaws.com/cards/front.pdf", row.Source);
        Assert.Equal((submitted.Job!.Id, "submitted", "staff-1"), (row.NewJobId, row.Result, row.UserKey));
    }

    [Fact]
    public async Task SubmitAsync_PastTheHourlyBudget_IsRefused_AndTheAuditListsTheChecksThatRanNewestFirst()
    {
        await using var store = await EngineStore.NewAsync(OnPostgres);
        await using var app = new ProductionApp(store.On(new() { ["Checks:PerUserPerHour"] = "2" }));
        var sam = Staff("staff-1", "Sam Staff");

        var first = await SubmitAsync(app, sam, "https://cdn.example.com/a.pdf", "first");
        var second = await SubmitAsync(app, sam, "https://cdn.example.com/b.pdf", "second");
        var third = await SubmitAsync(app, sam, "https://cdn.example.com/c.pdf", "third");
        var other = await SubmitAsync(app, Staff("staff-2", "Kim Staff"), "https://cdn.example.com/d.pdf", "another person's own hour");

        Assert.Null(first.Problem);
        Assert.Null(second.Problem);
        Assert.Contains("many checks in the last hour", third.Problem);
        Assert.Null(other.Problem);
        var recent = await app.Services.GetRequiredService<ICheckAudit>().RecentAsync(10);
        Assert.Equal(["another person's own hour", "second", "first"], recent.Select(e => e.Note));
        Assert.Equal([other.Job!.Id, second.Job!.Id, first.Job!.Id], recent.Select(e => e.NewJobId));
        Assert.Equal(["staff-2", "staff-1", "staff-1"], recent.Select(e => e.UserKey));
    }
}
