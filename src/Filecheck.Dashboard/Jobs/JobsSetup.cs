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
        services.AddOptions<Live.JobWatcherOptions>();
        services.AddSingleton<Live.JobWatcher>();
        services.AddRuns();
        return services;
    }

    public static WebApplication MapJobs(this WebApplication app)
    {
        app.MapRuns();
        return app;
    }
}
