using Bunit;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The job page on the real client over real HTTP to the sandbox: what the API's failures look like to staff.</summary>
public sealed class JobPageOverHttpTests : ComponentTest, IClassFixture<SandboxFixture>
{
    private readonly SandboxFixture _sandbox;

    public JobPageOverHttpTests(SandboxFixture sandbox) : base(ComponentUpstream.None)
    {
        _sandbox = sandbox;
        sandbox.Server.Faults.Clear();
    }

    private IRenderedComponent<JobPage> Render(string id, string? apiKey = null)
    {
        UseSandbox(_sandbox, apiKey);
        Ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var page = Ctx.Render<JobPage>(p => p.Add(x => x.Id, id));
        page.WaitForState(() => page.FindAll("[data-testid=job-header], [data-testid=job-problem]").Count > 0, TimeSpan.FromSeconds(15));
        return page;
    }

    [Fact]
    public void Render_KeyRejected_SaysTheKeyWasRefusedWithoutShowingIt()
    {
        const string wrongKey = "sk_test_wrong_key_for_this_test";
        var page = Render(WellKnownJobs.Passing, apiKey: wrongKey);

        var problem = page.Find("[data-testid=job-problem]");
        Assert.Equal("KeyRejected", problem.GetAttribute("data-kind"));
        Assert.Contains("Filecheck:ApiKey", problem.TextContent);
        Assert.DoesNotContain(wrongKey, page.Markup);
    }

    [Fact]
    public void Render_ApiUnavailable_SaysSoAndOffersRetry()
    {
        _sandbox.Server.Faults.Always(SandboxFault.Unavailable);
        try
        {
            var page = Render(WellKnownJobs.Passing);

            var problem = page.Find("[data-testid=job-problem]");
            Assert.Equal("Unavailable", problem.GetAttribute("data-kind"));
            Assert.Contains("Try again", problem.TextContent);
        }
        finally
        {
            _sandbox.Server.Faults.Clear();
        }
    }
}
