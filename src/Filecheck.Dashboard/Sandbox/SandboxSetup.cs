using System.Security.Cryptography;
using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Sandbox;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// The backend the dashboard talks to: the Filecheck client, pointed at the configured API or, with no
/// <c>Filecheck:BaseUrl</c>, at the built-in sandbox started in-process on a loopback port with a key made up at start.
/// Everything the sandbox mode changes elsewhere (its own history file, its webhooks, its artifact address) is set here
/// through the other features' options, so the order of the <c>Add*</c> calls does not matter.
/// </summary>
public static class SandboxSetup
{
    public static IHostApplicationBuilder AddSandbox(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddFilecheckClient(builder.Configuration);
        var backend = BackendInfo.From(builder.Configuration, builder.Environment);
        services.AddSingleton(backend);
        // Both say nothing unless the sandbox answers.
        services.AddToSlot<SandboxBanner>(LayoutSlots.AppBar);
        services.AddToSlot<SandboxJobs>(JobsSlots.Home);
        if (!backend.IsSandbox)
        {
            // Outside Development a missing base URL is a mistake to name at start, not a wish for generated data.
            services.AddSingleton<IValidateOptions<FilecheckOptions>>(new BaseUrlRequired(builder.Environment.EnvironmentName));
            return builder;
        }

        services.AddValidatedOptions<SandboxOptions, SandboxOptionsValidator>(builder.Configuration.GetSection(SandboxOptionsValidator.Section));
        services.AddSingleton<SandboxLauncher>();
        // Read when the client's options are first needed (at start, by their validation): the sandbox's own web host
        // is built only after the dashboard's, which keeps test hosts that capture the first host built on ours.
        services.AddOptions<FilecheckOptions>().PostConfigure<SandboxLauncher>((o, launcher) =>
        {
            o.BaseUrl = launcher.Server.BaseAddress;
            o.ApiKey = launcher.Server.ApiKey;
        });
        // Proofs and downloads come from the sandbox itself, and from nowhere else.
        services.AddOptions<ArtifactOptions>().PostConfigure<SandboxLauncher>((o, launcher) => o.OnlyOrigin = launcher.Server.BaseAddress);
        services.AddSingleton<SandboxDatabase>();
        services.AddSingleton<IValidateOptions<StoreOptions>, SandboxStoreOnSqlite>();
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddOptions<StoreOptions>().PostConfigure<SandboxDatabase>((o, database) =>
            o.DatabasePath = database.File(DataSetup.FullPath(o.DatabasePath, contentRoot)));
        // The sandbox is a loopback API of generated jobs: read all of it at once, so /trends shows its whole history
        // within a minute of start. A real Filecheck account keeps the configured budgets.
        services.PostConfigure<HistoryOptions>(o =>
        {
            o.Sync.DetailConcurrency = Math.Max(o.Sync.DetailConcurrency, 16);
            // Fewer, larger writes: the rollups' upserts are shared by the jobs of a batch.
            o.Sync.DetailBatch = Math.Max(o.Sync.DetailBatch, 100);
            o.Sync.RequestsPerMinute = Math.Max(o.Sync.RequestsPerMinute, 1_000_000);
            o.Sync.MaxDetailsPerRun = Math.Max(o.Sync.MaxDetailsPerRun, 1_000_000);
        });
        // Its webhooks come to this dashboard with a secret and a signing secret made up at start (unless configured);
        // the address is known once Kestrel listens (MapSandbox).
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var signing = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        services.AddOptions<HistoryOptions>().PostConfigure(o =>
        {
            if (string.IsNullOrEmpty(o.Webhooks.Secret)) o.Webhooks.Secret = secret;
            if (string.IsNullOrEmpty(o.Webhooks.SigningSecret)) o.Webhooks.SigningSecret = signing;
        });
        // The sandbox (not started yet) learns where and how to post from the history's final settings.
        services.AddOptions<SandboxOptions>().PostConfigure<IOptions<HistoryOptions>>((sandbox, history) =>
        {
            var webhooks = history.Value.Webhooks;
            sandbox.WebhookUrl ??= SandboxWebhooks.Placeholder;
            sandbox.WebhookHeaders[webhooks.SecretHeader] = webhooks.Secret!;
            sandbox.WebhookSigningSecret = webhooks.SigningSecret;
        });

        services.AddHostedService<SandboxStarter>();
        return builder;
    }

    /// <summary>Points the sandbox's webhooks at this dashboard once it listens.</summary>
    public static WebApplication MapSandbox(this WebApplication app)
    {
        if (app.Services.GetRequiredService<BackendInfo>().IsSandbox) SandboxWebhooks.TargetOnStart(app);
        return app;
    }

    private sealed class BaseUrlRequired(string environment) : IValidateOptions<FilecheckOptions>
    {
        public ValidateOptionsResult Validate(string? name, FilecheckOptions options) => options.BaseUrl is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{FilecheckOptions.SectionName}:BaseUrl is not set, so the dashboard will not start: the built-in "
                + $"sandbox exists only in Development, and this environment is '{environment}'. Set {FilecheckOptions.SectionName}:BaseUrl "
                + $"(the environment variable {FilecheckOptions.SectionName}__BaseUrl), e.g. https://api.filecheck.io/, and its "
                + $"{FilecheckOptions.SectionName}:ApiKey.");
    }

    /// <summary>Starts the sandbox with the dashboard, not on the first lookup.</summary>
    private sealed class SandboxStarter(SandboxLauncher launcher, ILogger<SandboxStarter> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("No Filecheck:BaseUrl configured: using the built-in sandbox API at {BaseAddress}", launcher.Server.BaseAddress);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The sandbox resets its history at every start: it never runs on a PostgreSQL database that may hold a real one.</summary>
internal sealed class SandboxStoreOnSqlite : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions o) => o.Engine == StoreEngine.Postgres
        ? ValidateOptionsResult.Fail(
            $"{StoreOptions.ProviderKey} is Postgres, but the built-in sandbox (no Filecheck:BaseUrl) resets its history at every start, " +
            $"so it runs on SQLite only: remove {StoreOptions.ProviderKey}, or set Filecheck:BaseUrl for a real account.")
        : ValidateOptionsResult.Success;
}
