using Bunit;
using Filecheck.Api;
using Filecheck.Dashboard.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// The one bUnit context of the component tests: MudBlazor, loose JS interop (MudBlazor's own calls are not under test),
/// and the job page's services over <see cref="FakeFilecheckClient"/>, seeded with the vendor's fixtures.
/// </summary>
public abstract class ComponentTest : IAsyncLifetime
{
    protected ComponentTest()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddSingleton<IFilecheckClient>(Filecheck);
        Ctx.Services.AddJobs();
    }

    protected BunitContext Ctx { get; } = new();

    protected FakeFilecheckClient Filecheck { get; } = FakeFilecheckClient.FromFixtures();

    /// <summary>Interactive as in a browser's circuit, or a static prerender.</summary>
    protected void RenderMode(bool interactive) =>
        Ctx.SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", isInteractive: interactive));

    protected async Task<Api.Models.Job> GetJobAsync(string id)
    {
        var result = await Filecheck.GetJobAsync(JobId.Parse(id));
        Assert.True(result.IsSuccess, result.Failure?.Message);
        return result.Value;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Ctx.DisposeAsync();
}
