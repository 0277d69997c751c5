using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Checks;

public static class ChecksSetup
{
    /// <summary>New checks: the page, the upload route, the per-user limit. The audit is kept in the store (<see cref="CheckAuditStore"/>).</summary>
    public static IServiceCollection AddChecks(this IServiceCollection services)
    {
        services.AddOptions<CheckOptions>().BindConfiguration(CheckOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CheckOptions>, CheckOptionsValidator>();
        services.AddSingleton<CheckQuota>();
        services.AddSingleton<ICheckAudit, CheckAuditStore>();
        services.AddScoped<CheckService>();
        return services;
    }

    public static IEndpointRouteBuilder MapChecks(this IEndpointRouteBuilder app)
    {
        CheckUploadEndpoint.Map(app);
        return app;
    }
}
