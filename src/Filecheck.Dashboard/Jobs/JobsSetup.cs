using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Jobs.Limits;
using Filecheck.Dashboard.Jobs.Live;
using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Shell;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;

namespace Filecheck.Dashboard.Jobs;

public static class JobsSetup
{
    /// <summary>Lookups, the job page, live watching, proofs and downloads.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJobs(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The same services for a host without a builder (a bUnit context): without a configuration every option keeps
    /// its default.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LibraryNames>();
        services.AddScoped<JobLookupService>();
        // Without the History feature, lookups keep nothing; History replaces this whichever is added first.
        services.TryAddSingleton<IJobHistory, NoJobHistory>();
        var watcher = services.AddOptions<JobWatcherOptions>().ValidateOnStart();
        if (configuration is not null) watcher.Bind(configuration.GetSection(JobWatcherOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobWatcherOptions>, JobWatcherOptionsValidator>());
        services.AddSingleton<JobWatcher>();
        var artifacts = services.AddOptions<ArtifactOptions>().ValidateOnStart();
        if (configuration is not null) artifacts.Bind(configuration.GetSection(ArtifactOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArtifactOptions>, ArtifactOptionsValidator>());
        services.AddUserLimits(configuration);
        services.AddRuns();
        services.AddChecks();
        services.AddNavEntry(new NavEntry("Look up a job", Urls.Home, Icons.Material.Filled.Search, Policies.LookUpJobs, 10, NavLinkMatch.All));
        services.AddNavEntry(new NavEntry("Jobs", Urls.JobsList(), Icons.Material.Filled.ManageSearch, Policies.LookUpJobs, 20, TestId: "nav-jobs"));
        services.AddNavEntry(new NavEntry("New check", Urls.NewCheck(), Icons.Material.Filled.FactCheck, Policies.RunChecks, 50));
        return services;
    }

    public static WebApplication MapJobs(this WebApplication app)
    {
        app.MapRuns();
        app.MapChecks();
        // /search?q=… was the history search before the jobs list took it in: old links open the list with the search filled in.
        app.MapGet("/search", (HttpRequest request) => Results.Redirect(Urls.JobsList(JobsListState.FromQuery(request.QueryString.Value))))
            .RequireAuthorization(Policies.LookUpJobs);
        return app;
    }
}
