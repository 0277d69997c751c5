using Filecheck.Api;
using Filecheck.Dashboard.Data;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// The backend the dashboard talks to: the Filecheck client, pointed at the configured API or at the built-in sandbox,
/// which <see cref="SandboxStart.StartSandboxIfWantedAsync"/> started before the host was built and handed over as
/// settings (<see cref="SandboxRun.Settings"/>): every feature reads them as its own, so the order of the <c>Add*</c>
/// calls does not matter.
/// </summary>
public static class SandboxSetup
{
    public static IHostApplicationBuilder AddSandbox(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddFilecheckClient(builder.Configuration);
        var backend = BackendInfo.From(builder.Configuration);
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
        services.AddSingleton<IValidateOptions<StoreOptions>, SandboxStoreOnSqlite>();
        services.AddHostedService<SandboxStarted>();
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

    /// <summary>Says at start where the sandbox answers and which history file it fills.</summary>
    private sealed class SandboxStarted(SandboxRun run, ILogger<SandboxStarted> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("No Filecheck:BaseUrl configured: using the built-in sandbox API at {BaseAddress}, with a fresh history at {Path}",
                run.Server.BaseAddress, run.DatabaseFile);
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
