using System.Net;
using Filecheck.Api;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// The history feature as the dashboard wires it (its backend, Jobs, History: the features' own wiring), on real Kestrel at 127.0.0.1 so that the
/// webhook endpoint is reached over HTTP, talking to a real sandbox and a real SQLite file. The background sync is off:
/// tests run it themselves.
/// </summary>
public sealed class HistoryHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HistoryHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public JobWriter Writer => Services.GetRequiredService<JobWriter>();
    public HistoryReads Reads => Services.GetRequiredService<HistoryReads>();
    public SyncStateStore SyncState => Services.GetRequiredService<SyncStateStore>();

    public static Dictionary<string, string?> Settings(SandboxServer sandbox, string databaseFile) => new()
    {
        ["Filecheck:BaseUrl"] = sandbox.BaseAddress.ToString(),
        ["Filecheck:ApiKey"] = sandbox.ApiKey,
        ["Filecheck:Timeout"] = "00:00:05",
        ["Filecheck:TotalTimeout"] = "00:00:10",
        ["Filecheck:MaxRetries"] = "1",
        ["History:DatabasePath"] = databaseFile,
        ["History:CacheAge"] = "00:10:00",
        ["History:Sync:Enabled"] = "false",
        ["History:Sync:PageSize"] = "100",
        ["History:Sync:RequestsPerMinute"] = "1000000",
        ["History:Sync:DetailConcurrency"] = "4",
        ["History:Sync:MaxDetailsPerRun"] = "100000",
        ["History:Webhooks:Secret"] = WebhookSecret,
        ["History:Webhooks:SigningSecret"] = SigningSecret,
    };

    public const string WebhookSecret = "test-webhook-secret-0123456789";
    public const string SigningSecret = "test-signing-secret-abcdef";

    /// <param name="configure">More wiring after the features' (a test's telemetry exporters).</param>
    public static async Task<HistoryHost> StartAsync(SandboxServer sandbox, string databaseFile, Action<Dictionary<string, string?>>? change = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var settings = Settings(sandbox, databaseFile);
        change?.Invoke(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        // The features' own wiring, as DashboardFeatures runs it, without the pages and sign-in these tests do not use.
        builder.AddStore();
        builder.AddSandbox();
        builder.AddJobs();
        builder.AddHistory();
        builder.AddTrends();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapSandbox();
        app.MapHistory();
        return new HistoryHost(app, await app.ListenAsync());
    }

    /// <summary>The same features for a bUnit context, which has services but no builder.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddLogging();
        services.AddFilecheckClient(configuration);
        services.AddStore(configuration);
        services.AddJobs(configuration);
        services.AddHistory(configuration);
        services.AddTrends(configuration);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A new runner over the same store and client, as a second sync process would be.</summary>
    public HistorySyncRunner NewRunner() => ActivatorUtilities.CreateInstance<HistorySyncRunner>(Services, new HistorySyncStatus());

    public async Task<T> QueryAsync<T>(Func<DashboardDbContext, Task<T>> query)
    {
        await using var db = await Get<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public async Task<JobLoad> LookUpAsync(string id, string user, bool refresh = false)
    {
        await using var scope = Services.CreateAsyncScope();
        var load = await scope.ServiceProvider.GetRequiredService<JobLookupService>().LoadAsync(id, user, refresh: refresh);
        // What the tests read next is the store: wait for the write-through the page did not wait for.
        await Get<WriteThrough>().IdleAsync();
        return load;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
