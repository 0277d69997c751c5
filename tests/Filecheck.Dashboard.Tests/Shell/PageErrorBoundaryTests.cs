using Bunit;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;
using Filecheck.Testing;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>A component that throws inside a page: the layout shows a worded error with a retry, logged once with the job.</summary>
public sealed class PageErrorBoundaryTests : ComponentTest
{
    private readonly LogCapture _logs = new();

    public PageErrorBoundaryTests() : base(ComponentUpstream.None)
    {
        Ctx.Services.AddLogging(logging => _logs.AddTo(logging));
        // What MainLayout needs besides.
        Ctx.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new AccessOptions { AuthMode = AuthMode.MicrosoftIdentity }));
        // Who is signed in, plugged into the layout as AddAccess plugs it.
        Ctx.Services.AddToSlot<UserBox>(LayoutSlots.AppBarEnd);
        Ctx.Services.AddToSlot<DemoBanner>(LayoutSlots.MainTop);
        Ctx.Services.AddScoped<ThemeState>();
        Ctx.Services.AddSingleton<ShareNotifier>();
        Ctx.Services.AddSingleton(new BackendInfo(IsSandbox: false));
        Ctx.AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff);
        Ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Flaky.Failing = true;
    }

    /// <summary>Throws while <see cref="Failing"/> is set, as a component with a bug does; renders a line otherwise.</summary>
    private sealed class Flaky : ComponentBase
    {
        public static bool Failing;

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            if (Failing) throw new InvalidOperationException("Flaky failed to render.");
            builder.AddMarkupContent(0, "<p data-testid=\"flaky\">Rendered.</p>");
        }
    }

    private static RenderFragment FlakyContent => builder =>
    {
        builder.OpenComponent<Flaky>(0);
        builder.CloseComponent();
    };

    [Fact]
    public void Render_ChildThrows_ShowsWordsAndARetry_RetryRendersTheChildOnceItWorks()
    {
        var boundary = Ctx.Render<PageErrorBoundary>(p => p.AddChildContent(FlakyContent));

        var error = boundary.Find("[data-testid=page-error]");
        Assert.Contains("This page stopped working", error.TextContent);
        Assert.Contains("Try again", boundary.Find("[data-testid=page-error-retry]").TextContent);
        Assert.Empty(boundary.FindAll("[data-testid=flaky]"));
        Assert.Empty(boundary.FindAll(".blazor-error-boundary"));

        Flaky.Failing = false;
        boundary.Find("[data-testid=page-error-retry]").Click();

        Assert.Equal("Rendered.", boundary.Find("[data-testid=flaky]").TextContent);
        Assert.Empty(boundary.FindAll("[data-testid=page-error]"));
    }

    [Fact]
    public void Render_ChildThrowsOnAJobPage_LogsItOnceWithTheJobAndWithoutTheQuery()
    {
        Ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/jobs/job_01abc?file=task_9&step=step_2");

        Ctx.Render<PageErrorBoundary>(p => p.AddChildContent(FlakyContent));

        var logged = Assert.Single(_logs.Lines, l => l.Exception is InvalidOperationException { Message: "Flaky failed to render." });
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("job job_01abc", logged.Message);
        Assert.Contains("/jobs/job_01abc", logged.Message);
        Assert.DoesNotContain("task_9", logged.Text);
    }

    [Fact]
    public void Render_LayoutWithAThrowingPage_KeepsTheLayoutAndShowsTheBoundaryNotTheErrorBar()
    {
        var layout = Ctx.Render<MainLayout>(p => p.Add(x => x.Body, FlakyContent));

        Assert.Contains("This page stopped working", layout.Find("[data-testid=page-error]").TextContent);
        Assert.Contains("Sam Staff", layout.Find("[data-testid=user-box]").TextContent);
        Assert.NotNull(layout.Find("#blazor-error-ui"));

        // Another page (a new Body) starts without the last one's error.
        Flaky.Failing = false;
        layout.Render(p => p.Add(x => x.Body, FlakyContent));
        Assert.Equal("Rendered.", layout.Find("[data-testid=flaky]").TextContent);
    }

    [Theory]
    [InlineData("/jobs/job_01abc", "job_01abc")]
    [InlineData("/jobs/job_01abc/files/task_1/download", "job_01abc")]
    [InlineData("/jobs", null)]
    [InlineData("/jobs/not-a-job", null)]
    [InlineData("/trends", null)]
    public void JobOf_PagePath_IsTheJobItShows(string path, string? expected) => Assert.Equal(expected, PageErrorBoundary.JobOf(path));
}
