using System.Data.Common;
using Filecheck.Dashboard.History.Data;
using Filecheck.Dashboard.Jobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

public static class HistorySetup
{
    /// <summary>The store, search, sync, webhook intake; migrations applied at start.</summary>
    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHistory(builder.Configuration, builder.Environment.ContentRootPath);
        builder.RequireEncryptedKeysOutsideDevelopment();
        return builder;
    }

    /// <summary>The same services for a host without a builder (a worker, a bUnit context); relative paths are under <paramref name="contentRoot"/>.</summary>
    public static IServiceCollection AddHistory(this IServiceCollection services, IConfiguration configuration, string? contentRoot = null)
    {
        var root = contentRoot ?? Directory.GetCurrentDirectory();
        services.AddOptions<HistoryOptions>().Bind(configuration.GetSection(HistoryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HistoryOptions>, HistoryOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextFactory<HistoryDbContext>((sp, o) => o
            .UseSqlite(ConnectionString(FullPath(sp.GetRequiredService<IOptions<HistoryOptions>>().Value.DatabasePath, root)))
            .AddInterceptors(SqlitePragmas.Instance));
        services.AddSingleton<HistoryMigrator>();
        // One key ring for every instance on this store: cookies and share approvals survive restarts and load balancing.
        services.AddDataProtection().SetApplicationName("Filecheck.Dashboard").ProtectWithConfiguredCertificate(configuration, root);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
            o.XmlRepository = ActivatorUtilities.CreateInstance<HistoryKeyRepository>(sp, sp));
        services.TryAddSingleton(Rollups.RollupZone.Utc);
        services.AddSingleton<Rollups.RollupWriter>();
        services.AddSingleton<Rollups.RollupRebuild>();
        services.AddSingleton<HistoryWriter>();
        services.AddSingleton<JobWriter>();
        services.AddSingleton<LookupAudit>();
        services.AddSingleton<WriteThrough>();
        services.AddSingleton<SyncStateStore>();
        services.AddSingleton<HistoryReads>();
        // The port Jobs owns: replaces its no-history default whichever feature is added first.
        services.Replace(ServiceDescriptor.Singleton<IJobHistory, HistoryJobs>());
        JobsList.JobsListSetup.AddJobsList(services);
        services.AddSingleton<Jobs.Checks.ICheckAudit, CheckAuditStore>();
        services.AddSingleton<HistorySyncStatus>();
        services.AddSingleton<HistorySyncRunner>();
        // Per request: it uses a typed Filecheck client, which should not live as long as the process.
        services.AddScoped<WebhookIntake>();
        services.AddHostedService<HistoryStartup>();
        // Always there; it does nothing while History:Sync:Enabled is false.
        services.AddSingleton<HistorySync>();
        services.AddHostedService(sp => sp.GetRequiredService<HistorySync>());
        // Each accepted webhook costs an upstream GET and a write: a replayed or flooding sender is held back, after it
        // proved itself (the intake counts), per address.
        services.AddSingleton<WebhookSenderLimit>();
        // Per instance: a replay sent to another instance behind the load balancer within 5 minutes is not caught.
        services.AddSingleton<WebhookReplayGuard>();
        return services;
    }

    public static WebApplication MapHistory(this WebApplication app)
    {
        // Anonymous to the sign-in scheme: the intake authenticates the sender itself (secret header, signature).
        app.MapPost(WebhookIntake.Path, (HttpContext ctx, WebhookIntake intake) => intake.HandleAsync(ctx.Request, ctx.RequestAborted))
            .AllowAnonymous()
            .DisableAntiforgery();
        return app;
    }

    /// <summary>The database file: <paramref name="path"/>, relative to the content root unless rooted.</summary>
    public static string FullPath(string path, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));

    public static string ConnectionString(string file) => new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Applies the migrations before the dashboard serves a request, and says when webhooks cannot be accepted.</summary>
    private sealed class HistoryStartup(HistoryMigrator migrator, IOptions<HistoryOptions> options, ILogger<HistoryStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await migrator.EnsureReadyAsync(cancellationToken);
            if (string.IsNullOrEmpty(options.Value.Webhooks.Secret))
            {
                logger.LogWarning("History:Webhooks:Secret is not set: every webhook to {Path} is refused with 401", WebhookIntake.Path);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>WAL (readers never wait for the writer) and a busy timeout on every connection the store opens.</summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();
    private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
