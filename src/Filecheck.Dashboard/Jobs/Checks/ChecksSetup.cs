using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Checks;

public static class ChecksSetup
{
    /// <summary>New checks: the page, the upload route, the per-user limit. The audit comes from the history (<see cref="ICheckAudit"/>).</summary>
    public static IServiceCollection AddChecks(this IServiceCollection services)
    {
        services.AddOptions<CheckOptions>().BindConfiguration(CheckOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CheckOptions>, CheckOptionsValidator>();
        services.AddSingleton<CheckQuota>();
        services.AddScoped<CheckService>();
        return services;
    }

    public static IEndpointRouteBuilder MapChecks(this IEndpointRouteBuilder app)
    {
        CheckUploadEndpoint.Map(app);
        return app;
    }
}
