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
        return services;
    }
}
