using System.Diagnostics;
using System.Net;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Tests.Jobs;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>The audit of a read (a download, a proof view) is queued durably: a store that refuses it loses nothing (SQLite, the demo app).</summary>
public sealed class ReadAuditTests : ReadAuditEngineTests
{
    protected override bool OnPostgres => false;

    protected override DashboardApp NewApp(Dictionary<string, string?> settings, LogCapture logs)
    {
        var demo = DashboardApp.DemoSettings();
        foreach (var (key, value) in settings) demo[key] = value;
        return new LoggedApp(demo, logs);
    }

    /// <summary>The demo dashboard with every log line kept.</summary>
    private sealed class LoggedApp(Dictionary<string, string?> settings, LogCapture logs) : DashboardApp("Development", settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => logs.AddTo(l));
        }
    }
}

/// <summary>The same on PostgreSQL (the whole app as production runs it; the built-in sandbox stays on SQLite).</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class ReadAuditPostgresTests : ReadAuditEngineTests
{
    protected override bool OnPostgres => true;

    protected override DashboardApp NewApp(Dictionary<string, string?> settings, LogCapture logs) => new LoggedApp(settings, logs);

    /// <summary>The production-like dashboard with every log line kept.</summary>
    private sealed class LoggedApp(Dictionary<string, string?> settings, LogCapture logs) : ProductionApp(settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => logs.AddTo(l));
        }
    }
}

/// <summary>The read audit's journal on either engine, each test on its own new store.</summary>
public abstract class ReadAuditEngineTests
{
    /// <summary>True for the PostgreSQL variant.</summary>
    protected abstract bool OnPostgres { get; }

    /// <summary>The dashboard on <paramref name="settings"/> (the store's among them), its log kept in <paramref name="logs"/>.</summary>
    protected abstract DashboardApp NewApp(Dictionary<string, string?> settings, LogCapture logs);

    [Fact]
    public async Task Download_WhileTheStoreRefusesItsAudit_IsLoggedAndKept_ThenAuditedOnceTheStoreRecovers()
    {
        await using var store = await EngineStore.NewAsync(OnPostgres);
        var settings = new Dictionary<string, string?> { ["History:Sync:Enabled"] = "false" };
        if (OnPostgres) store.On(settings);
        var logs = new LogCapture();
        await using var app = NewApp(settings, logs);
        var staff = await app.SignedInClientAsync("staff");
        var (jobId, task) = await UserLimitTests.FileWithOutputAsync(app);
        var factory = app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();
        // The audit table away: every write of an audit row fails, as a broken store's would.
        await SqlAsync(factory, """ALTER TABLE "Lookups" RENAME TO "LookupsAway" """);

        var response = await staff.GetAsync($"/jobs/{jobId}/files/{task}/download");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // Refused at least twice (a write-through gives up after its second try).
        await WaitUntilAsync(() => Refusals(logs) >= 2, "the store refused the audit twice");

        await SqlAsync(factory, """ALTER TABLE "LookupsAway" RENAME TO "Lookups" """);

        await WaitUntilAsync(() => Downloads(factory, jobId) >= 1, "the download's audit row");
        Assert.Equal(1, Downloads(factory, jobId));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("folded again"));
        Assert.Equal($"sent {task}", await QueryAsync(factory, db => db.Lookups.Where(l => l.JobId == jobId && l.Action == AuditActions.Download).Select(l => l.Result).SingleAsync()));
    }

    private static int Refusals(LogCapture logs) =>
        logs.Lines.Count(l => l.Level >= LogLevel.Warning && l.Exception?.ToString() is { } e && (e.Contains("no such table: Lookups") || e.Contains("relation \"Lookups\" does not exist")));

    private static int Downloads(IDbContextFactory<DashboardDbContext> factory, string jobId)
    {
        try
        {
            return QueryAsync(factory, db => db.Lookups.CountAsync(l => l.JobId == jobId && l.Action == AuditActions.Download)).GetAwaiter().GetResult();
        }
        catch (System.Data.Common.DbException)
        {
            return 0;
        }
    }

    private static async Task<T> QueryAsync<T>(IDbContextFactory<DashboardDbContext> factory, Func<DashboardDbContext, Task<T>> query)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await query(db);
    }

    private static async Task SqlAsync(IDbContextFactory<DashboardDbContext> factory, string sql)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"Waited 60 s for {what}.");
            await Task.Delay(50);
        }
    }
}
