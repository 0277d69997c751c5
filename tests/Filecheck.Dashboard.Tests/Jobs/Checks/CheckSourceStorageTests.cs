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

/// <summary>A check from a signed address: Filecheck gets the whole address, the store keeps none of its signature.</summary>
public sealed class CheckSourceStorageTests
{
    private const string Signed = "https://bucket.s3.eu-west-1.amazonaws.com/cards/front.pdf"
        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261207&X-Amz-Signature=0123abcd#page=2";

    [Fact]
    public async Task SubmitAsync_FromASignedUrl_StoresTheAddressWithoutQueryOrFragment()
    {
        await using var app = new DashboardApp("Development", DashboardApp.DemoSettings());
        using var scope = app.Services.CreateScope();
        var checks = scope.ServiceProvider.GetRequiredService<CheckService>();
        var form = new CheckForm { Source = CheckSource.Url, Url = Signed, Note = "customer sent a new link", Confirmed = true };
        var staff = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "staff-1"), new Claim(ClaimTypes.Name, "Sam Staff")], "test"));

        var submitted = await checks.SubmitAsync(form, null, staff);

        Assert.Null(submitted.Problem);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var row = await db.Checks.AsNoTracking().SingleAsync();
        Assert.Equal("url https://bucket.s3.eu-west-1.amazonaws.com/cards/front.pdf", row.Source);
    }

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
