using Bunit;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// <c>/admin/sync</c> on the real store and the real background sync against the sandbox over HTTP: the status, "Sync
/// now", and a failing run that the page shows and outlives.
/// </summary>
public sealed class SyncAdminPageTests(SandboxFixture sandbox) : ComponentTest(ComponentUpstream.None), IClassFixture<SandboxFixture>
{
    private readonly TempStore _temp = new();
    private HistorySync _sync = default!;

    public override async Task InitializeAsync()
    {
        sandbox.Server.Faults.Clear();
        Ctx.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(Roles.Admin).SetPolicies(Policies.Administer);
        var settings = HistoryHost.Settings(sandbox.Server, _temp.File);
        settings["History:Sync:Enabled"] = "true";
        // Only the first run and "Sync now" run here: the next scheduled one is an hour away.
        settings["History:Sync:Interval"] = "01:00:00";
        settings["History:Sync:MaxDetailsPerRun"] = "20";
        settings["Filecheck:MaxRetries"] = "0";
        UseStore(settings);
        Ctx.Services.AddScoped<AccessGuard>();
        Ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _sync = Ctx.Services.GetRequiredService<HistorySync>();
        await _sync.StartAsync(CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        sandbox.Server.Faults.Clear();
        await _sync.StopAsync(CancellationToken.None);
        await base.DisposeAsync();
        _temp.Dispose();
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Waits for what the page or the sync must come to, naming it when it does not.</summary>
    private static void Until(IRenderedComponent<SyncAdminPage> page, string what, Func<bool> condition)
    {
        try
        {
            page.WaitForState(condition, Patience);
        }
        catch (Bunit.Extensions.WaitForHelpers.WaitForFailedException)
        {
            throw new Xunit.Sdk.XunitException($"Waited {Patience.TotalSeconds} s for {what}. The page:\n{page.Markup}");
        }
    }

    private static void SyncNow(IRenderedComponent<SyncAdminPage> page, HistorySyncStatus status)
    {
        Until(page, "\"Sync now\" to be enabled, no run going", () => !status.Running
            && page.FindAll("button").Any(b => b.TextContent.Contains("Sync now") && !b.HasAttribute("disabled")));
        page.FindAll("button").Single(b => b.TextContent.Contains("Sync now")).Click();
    }

    [Fact]
    public void SyncNow_ShowsTheStatus_AFailedRunItsError_AndTheNextGoodRun()
    {
        var status = Ctx.Services.GetRequiredService<HistorySyncStatus>();
        var page = Ctx.Render<SyncAdminPage>();

        // The first run (at start) has stored the sandbox's job list: the page counts it.
        Until(page, "the first run to end", () => status.LastResult is { Completed: true } && !status.Running);
        Until(page, "the page to count the jobs", () => page.FindAll("[data-testid=jobs-seen]").Count == 1 && int.Parse(page.Find("[data-testid=jobs-seen]").TextContent) > 0);
        Assert.Equal("—", page.Find("[data-testid=last-error]").TextContent.Trim());
        var seen = page.Find("[data-testid=jobs-seen]").TextContent.Trim();

        // Filecheck fails: "Sync now" runs at once, the run fails, and the page says why and stays.
        sandbox.Server.Faults.Always(SandboxFault.Unavailable);
        var before = status.EndedAt;
        SyncNow(page, status);
        Until(page, "the failed run and its error on the page", () => status.EndedAt != before && !status.Running
            && page.Find("[data-testid=last-error]").TextContent.Trim() != "—");
        Assert.False(status.LastResult!.Completed);
        Assert.Equal(seen, page.Find("[data-testid=jobs-seen]").TextContent.Trim());

        // Filecheck answers again: the next "Sync now" completes, and the page shows its success.
        sandbox.Server.Faults.Clear();
        var failedAt = status.EndedAt;
        var lastSuccess = page.Find("[data-testid=last-success]").GetAttribute("data-at");
        SyncNow(page, status);
        Until(page, "a good run after the failed one", () => status.EndedAt != failedAt && status.LastResult!.Completed && !status.Running);
        Until(page, "the page to show the new success", () => page.Find("[data-testid=last-success]").GetAttribute("data-at") != lastSuccess);
        Assert.False(string.IsNullOrEmpty(lastSuccess));
    }
}
