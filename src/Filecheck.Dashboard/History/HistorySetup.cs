using Filecheck.Dashboard.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Shell;
using MudBlazor;

namespace Filecheck.Dashboard.History;

public static class HistorySetup
{
    /// <summary>The job and step rows, search, sync, webhook intake (the store itself is <c>AddStore</c>'s).</summary>
    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHistory(builder.Configuration);
        return builder;
    }

    /// <summary>The same services for a host without a builder (a worker, a bUnit context).</summary>
    public static IServiceCollection AddHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HistoryOptions, HistoryOptionsValidator>(configuration.GetSection(HistoryOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HistoryWriter>();
        // A job's new version reaches pages on every instance (over the bus, sent in the write's transaction).
        services.AddSingleton<IHistoryWriteListener, JobVersionAnnouncer>();
        services.AddSingleton<JobWriter>();
        services.AddSingleton<LookupAudit>();
        services.AddSingleton<Data.IReadAuditFold, LookupReadFold>();
        services.AddSingleton<WriteThrough>();
        services.AddSingleton<SyncStateStore>();
        services.AddSingleton<StoredJobCopies>();
        services.AddSingleton<HistoryReads>();
        // The port Jobs owns: replaces its no-history default whichever feature is added first.
        services.Replace(ServiceDescriptor.Singleton<IJobHistory, HistoryJobs>());
        services.AddSingleton<HistorySyncStatus>();
        services.AddSingleton<HistorySyncRunner>();
        // The sync's lag is measured here (exported when telemetry is on).
        services.TryAddSingleton<DashboardMetrics>();
        // Per request: it uses a typed Filecheck client, which should not live as long as the process.
        services.AddScoped<WebhookIntake>();
        services.AddHostedService<HistoryStartup>();
        // Always there; it does nothing while History:Sync:Enabled is false.
        services.AddSingleton<HistorySync>();
        services.AddHostedService(sp => sp.GetRequiredService<HistorySync>());
        // Each accepted webhook costs an upstream GET and a write: a replayed or flooding sender is held back, after it
        // proved itself (the intake counts), per address.
        services.AddSingleton<WebhookSenderLimit>();
        services.AddNavEntry(new NavEntry("History sync", Urls.SyncAdmin, Icons.Material.Filled.Sync, Policies.Administer, 60));
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

    /// <summary>Says at start when webhooks cannot be accepted.</summary>
    private sealed class HistoryStartup(IOptions<HistoryOptions> options, ILogger<HistoryStartup> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(options.Value.Webhooks.Secret))
            {
                logger.LogWarning("History:Webhooks:Secret is not set: every webhook to {Path} is refused with 401", WebhookIntake.Path);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
