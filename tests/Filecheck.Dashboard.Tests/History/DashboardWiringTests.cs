using System.Net;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The whole dashboard (Program.cs) on Kestrel with its built-in sandbox, as the run command starts it.</summary>
public sealed class DashboardWiringTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();
    private DashboardApp _dashboard = default!;

    public Task InitializeAsync()
    {
        _dashboard = new DashboardApp("Development", new()
        {
            ["Sandbox:JobCount"] = "50",
            ["History:DatabasePath"] = _temp.File,
            ["History:Sync:Enabled"] = "false",
        }).StartOnKestrel();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Start_WithTheSandbox_MigratesASeparateSandboxDatabaseAndReceivesTheSandboxWebhooks()
    {
        var services = _dashboard.Services;
        var reads = services.GetRequiredService<HistoryReads>();
        var sandbox = services.GetRequiredService<SandboxRun>().Server;

        var id = sandbox.Jobs.CreateRunningJob(1, TimeSpan.FromMilliseconds(100));
        // Observed through the database: the job's completion recorded by a webhook, not by a lookup or the sync (off).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await StoredFromWebhookAsync(id))
        {
            Assert.True(DateTime.UtcNow < deadline, "The sandbox's job.completed webhook never reached the history.");
            await Task.Delay(50);
        }

        // Migrated at start, in a file of its own beside the configured one.
        Assert.True(File.Exists(Path.ChangeExtension(_temp.File, ".sandbox.db")));
        Assert.False(File.Exists(_temp.File));
        var stored = await reads.GetJobAsync(id);
        Assert.Equal("done", stored!.Job.Status);
        Assert.True(stored.HasDetails);
    }

    private async Task<bool> StoredFromWebhookAsync(string id)
    {
        await using var db = await _dashboard.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        return await db.Snapshots.AnyAsync(s => s.JobId == id && s.Source == HistorySource.Webhook && s.Status == "done");
    }

    [Fact]
    public async Task Post_WebhookWithoutTheGeneratedSecret_IsRefused()
    {
        using var http = _dashboard.CreateClient();
        using var response = await http.SendAsync(Webhooks.Request(Webhooks.Completed(Filecheck.Sandbox.WellKnownJobs.Passing)));

        // The test's secret is not the one the dashboard made up for its sandbox.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        _temp.Dispose();
    }
}
