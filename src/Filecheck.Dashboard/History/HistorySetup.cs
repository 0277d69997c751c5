using Microsoft.AspNetCore.RateLimiting;
using System.Data.Common;
using System.Security.Cryptography;
using Filecheck.Dashboard.Backend;
using Filecheck.Dashboard.History.Data;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

public static class HistorySetup
{
    /// <summary>The store, search, sync, webhook intake; migrations applied at start.</summary>
    public static IServiceCollection AddHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HistoryOptions>().Bind(configuration.GetSection(HistoryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HistoryOptions>, HistoryOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextFactory<HistoryDbContext>((sp, o) => o
            .UseSqlite(ConnectionString(DatabaseFile(sp)))
            .AddInterceptors(SqlitePragmas.Instance));
        services.AddSingleton<HistoryStore>();
        if (services.Any(d => d.ServiceType == typeof(BackendInfo) && d.ImplementationInstance is BackendInfo { IsSandbox: true }))
        {
            services.AddSingleton<SandboxDatabase>();
        }
        services.AddSingleton<HistorySearch>();
        services.AddSingleton<Jobs.Checks.ICheckAudit, CheckAuditStore>();
        services.AddSingleton<HistorySyncStatus>();
        services.AddSingleton<HistorySyncRunner>();
        // Per request: it uses a typed Filecheck client, which should not live as long as the process.
        services.AddScoped<WebhookIntake>();
        services.AddHostedService<HistoryStartup>();
        if (configuration.GetValue($"{HistoryOptions.Section}:Sync:Enabled", true))
        {
            services.AddSingleton<HistorySync>();
            services.AddHostedService(sp => sp.GetRequiredService<HistorySync>());
        }
        SandboxWebhooks.Configure(services, configuration);
        // Each accepted webhook costs an upstream GET and a write: a replayed or flooding sender is held back.
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddFixedWindowLimiter(WebhookRateLimit, w =>
            {
                w.PermitLimit = configuration.GetValue($"{HistoryOptions.Section}:Webhooks:PerMinute", 600);
                w.Window = TimeSpan.FromMinutes(1);
                w.QueueLimit = 0;
            });
        });
        return services;
    }

    private const string WebhookRateLimit = "webhooks";

    public static WebApplication MapHistory(this WebApplication app)
    {
        app.UseRateLimiter();
        // Anonymous to the sign-in scheme: the intake authenticates the sender itself (secret header, signature).
        app.MapPost(WebhookIntake.Path, (HttpContext ctx, WebhookIntake intake) => intake.HandleAsync(ctx.Request, ctx.RequestAborted))
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(WebhookRateLimit);
        return app;
    }

    /// <summary>
    /// The database file: relative to the content root. With the built-in sandbox the file is a separate
    /// <c>*.sandbox.db</c>, so generated jobs never mix with a real Filecheck account's history.
    /// </summary>
    internal static string DatabaseFile(IServiceProvider sp)
    {
        var path = sp.GetRequiredService<IOptions<HistoryOptions>>().Value.DatabasePath;
        var root = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(root, path));
        return sp.GetService<SandboxDatabase>() is { } sandbox ? sandbox.File(full) : full;
    }

    public static string ConnectionString(string file) => new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Applies the migrations before the dashboard serves a request, and says when webhooks cannot be accepted.</summary>
    private sealed class HistoryStartup(HistoryStore store, IOptions<HistoryOptions> options, ILogger<HistoryStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await store.EnsureReadyAsync(cancellationToken);
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

/// <summary>
/// With the built-in sandbox, makes it post its webhooks to this dashboard with a secret and a signing secret made up
/// at start (unless configured). The dashboard's address is known only once Kestrel listens, so the sandbox starts with
/// a placeholder URL and gets the real one when the application has started.
/// </summary>
internal static class SandboxWebhooks
{
    private static readonly Uri Placeholder = new("http://127.0.0.1:9/webhooks/filecheck");

    public static void Configure(IServiceCollection services, IConfiguration configuration)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(SandboxLauncher))?.ImplementationInstance is not SandboxLauncher launcher) return;

        var webhooks = new HistoryWebhookOptions();
        configuration.GetSection($"{HistoryOptions.Section}:Webhooks").Bind(webhooks);
        var secret = string.IsNullOrEmpty(webhooks.Secret) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : webhooks.Secret;
        var signing = string.IsNullOrEmpty(webhooks.SigningSecret) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : webhooks.SigningSecret;
        services.PostConfigure<HistoryOptions>(o =>
        {
            o.Webhooks.Secret = secret;
            o.Webhooks.SigningSecret = signing;
        });

        // The sandbox the backend set up (not started yet): tell it where and how to post its webhooks.
        var sandbox = launcher.Options;
        sandbox.WebhookUrl ??= Placeholder;
        sandbox.WebhookHeaders[webhooks.SecretHeader] = secret;
        sandbox.WebhookSigningSecret = signing;
        services.AddHostedService(sp => new SandboxWebhookTarget(sandbox, sp.GetRequiredService<IServer>(),
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<SandboxWebhookTarget>>()));
    }

    internal sealed class SandboxWebhookTarget(SandboxOptions sandbox, IServer server, IHostApplicationLifetime lifetime, ILogger<SandboxWebhookTarget> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
                if (address is null || sandbox.WebhookUrl != Placeholder) return;
                var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost")) { Path = WebhookIntake.Path };
                if (uri.Host is "0.0.0.0" or "[::]" or "::") uri.Host = "127.0.0.1";
                sandbox.WebhookUrl = uri.Uri;
                logger.LogInformation("The sandbox posts its webhooks to {Url}", sandbox.WebhookUrl);
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
