using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Filecheck.Dashboard.Jobs;

public static class JobsSetup
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LibraryNames>();
        services.AddScoped<JobLookupService>();
        services.AddOptions<Live.JobWatcherOptions>()
            // Bound when there is a configuration (the app); hosts without one (component tests) keep the defaults.
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(Live.JobWatcherOptions.Section).Bind(o))
            .Validate(o => o.MinInterval > TimeSpan.Zero, "Jobs:Watcher:MinInterval must be more than zero.")
            .Validate(o => o.MaxInterval >= o.MinInterval, "Jobs:Watcher:MaxInterval must be at least Jobs:Watcher:MinInterval.")
            .ValidateOnStart();
        services.AddSingleton<Live.JobWatcher>();
        services.AddRuns();
        services.AddChecks();
        return services;
    }

    public static WebApplication MapJobs(this WebApplication app)
    {
        app.MapRuns();
        app.MapChecks();
        return app;
    }
}
