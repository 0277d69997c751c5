using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

public static class SharingSetup
{
    public const string RateLimitPolicy = "share-links";

    /// <summary>Share links, the public proof page, approvals, notifications and their audit.</summary>
    public static IServiceCollection AddSharing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SharingOptions>().Bind(configuration.GetSection(SharingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SharingOptions>, SharingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShareNotifier>();
        services.AddSingleton<ShareLinkService>();
        services.AddSingleton<SharePageService>();
        services.AddSingleton<ShareComments>();
        services.AddScoped<ShareRounds>();
        services.AddRateLimiter(o => o.AddPolicy<string, ShareRateLimitPolicy>(RateLimitPolicy));
        services.AddHttpClient(ShareWebhook.Client, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddHostedService<ShareWebhook>();
        return services;
    }

    public static IHostApplicationBuilder AddSharing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSharing(builder.Configuration);
        return builder;
    }

    /// <summary>After <c>UseShell</c>, whose <c>UseRateLimiter</c> limits these routes.</summary>
    public static WebApplication MapSharing(this WebApplication app)
    {
        app.UseShareGate();
        app.MapSharePublic();
        return app;
    }
}
