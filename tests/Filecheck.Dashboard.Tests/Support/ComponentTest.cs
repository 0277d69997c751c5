using Bunit;
using Filecheck.Api;
using Filecheck.Dashboard.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// The one bUnit context of the component tests: MudBlazor, loose JS interop (MudBlazor's own calls are not under test),
/// and what the component reads from: by default the job page's services over <see cref="FakeFilecheckClient"/>, seeded
/// with the vendor's fixtures; or nothing more (<see cref="ComponentUpstream.None"/>), for the test to add the real client
/// over a sandbox (<see cref="UseSandbox"/>) or the real store and client (<see cref="UseStore"/>).
/// </summary>
public abstract class ComponentTest : IAsyncLifetime
{
    protected ComponentTest(ComponentUpstream upstream = ComponentUpstream.Fixtures)
    {
        if (upstream == ComponentUpstream.Fixtures)
        {
            Ctx.Services.AddSingleton<IFilecheckClient>(Filecheck);
            Ctx.Services.AddJobs();
        }
    }

    protected BunitContext Ctx { get; } = NewContext();

    protected FakeFilecheckClient Filecheck { get; } = FakeFilecheckClient.FromFixtures();

    /// <summary>A context as every component test starts from, for a test that needs several at once.</summary>
    public static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }

    /// <summary>The dashboard's real client over HTTP to <paramref name="sandbox"/>, and the job page's services over it.</summary>
    protected void UseSandbox(SandboxFixture sandbox, string? apiKey = null)
    {
        sandbox.AddClient(Ctx.Services, apiKey);
        Ctx.Services.AddJobs();
    }

    /// <summary>The real store and client as the history's host wires them (<see cref="HistoryHost.Settings"/>, changed by the test).</summary>
    protected void UseStore(Dictionary<string, string?> settings) =>
        HistoryHost.AddServices(Ctx.Services, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    /// <summary>Interactive as in a browser's circuit, or a static prerender.</summary>
    protected void RenderMode(bool interactive) =>
        Ctx.SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", isInteractive: interactive));

    protected async Task<Api.Models.Job> GetJobAsync(string id)
    {
        var result = await Filecheck.GetJobAsync(JobId.Parse(id));
        Assert.True(result.IsSuccess, result.Failure?.Message);
        return result.Value;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync() => await Ctx.DisposeAsync();
}

/// <summary>Where a component test's Filecheck answers come from.</summary>
public enum ComponentUpstream
{
    /// <summary>The vendor's fixtures in a <see cref="FakeFilecheckClient"/>, with the job page's services.</summary>
    Fixtures,
    /// <summary>Nothing: the test adds what it renders against (a sandbox, the store) or needs none.</summary>
    None,
}
