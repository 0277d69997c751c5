using System.Security.Claims;
using Bunit;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Limits;
using Filecheck.Dashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The job page of a person over their lookup limit: the message says when to try again, and Filecheck is not asked.</summary>
public sealed class LookupLimitPageTests : ComponentTest
{
    [Fact]
    public void Render_OverTheLookupLimit_SaysWhenToTryAgain()
    {
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized("Sam Staff");
        auth.SetClaims(new Claim("oid", "oid-sam"));
        Ctx.Services.Configure<UserLimitsOptions>(o => o.LookupsPerMinute = 1);
        RenderMode(interactive: true);

        var first = Ctx.Render<JobPage>(p => p.Add(x => x.Id, FakeJobs.Full));
        first.WaitForState(() => first.FindAll("[data-testid=job-header]").Count > 0, TimeSpan.FromSeconds(15));
        var asked = Filecheck.Calls(FakeJobs.Full);
        var second = Ctx.Render<JobPage>(p => p.Add(x => x.Id, FakeJobs.Full));
        second.WaitForState(() => second.FindAll("[data-testid=job-problem]").Count > 0, TimeSpan.FromSeconds(15));

        var problem = second.Find("[data-testid=job-problem]");
        Assert.Equal(nameof(JobProblemKind.TooManyRequests), problem.GetAttribute("data-kind"));
        Assert.Matches(@"Too many lookups; try again in \d+ s\.", problem.TextContent);
        Assert.Equal(asked, Filecheck.Calls(FakeJobs.Full));
    }
}
