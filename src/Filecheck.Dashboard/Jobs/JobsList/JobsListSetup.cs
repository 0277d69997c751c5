using Filecheck.Dashboard.Access;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Filecheck.Dashboard.Jobs.JobsList;

/// <summary>The one jobs list (<c>/jobs</c>): browse, filter and search the history.</summary>
public static class JobsListSetup
{
    public static IServiceCollection AddJobsList(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobsListQuery>();
        return services;
    }

    /// <summary><c>/search?q=…</c> was the history search before the jobs list took it in: old links open the list with the search filled in.</summary>
    public static WebApplication MapJobsList(this WebApplication app)
    {
        app.MapGet("/search", (HttpRequest request) =>
                Results.Redirect(Urls.JobsList(JobsListState.FromQuery(request.QueryString.Value))))
            .RequireAuthorization(Policies.LookUpJobs);
        return app;
    }
}
