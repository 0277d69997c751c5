using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Shell;
using MudBlazor;

namespace Filecheck.Dashboard.Sharing;

public static class SharingSetup
{
    public const string RateLimitPolicy = "share-links";

    /// <summary>Share links, the public proof page, approvals, notifications and their audit.</summary>
    public static IServiceCollection AddSharing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SharingOptions, SharingOptionsValidator>(configuration.GetSection(SharingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShareNotifier>();
        services.AddSingleton<ShareBusRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<ShareBusRelay>());
        services.AddSingleton<ShareLinkService>();
        services.AddSingleton<Data.IAuditTable, ShareAuditTable>();
        services.AddSingleton<Data.IReadAuditFold, ShareViewFold>();
        services.AddSingleton<Data.IReadAuditFold, ShareImageFold>();
        services.AddSingleton<Data.IReadAuditFold, ShareReadFold>();
        services.AddSingleton<SharedRuns>();
        services.AddSingleton<SharePageService>();
        services.AddSingleton<ShareComments>();
        services.AddScoped<ShareRounds>();
        services.AddScoped<RoundSuggestions>();
        services.AddScoped<CorrectedFiles>();
        services.AddSingleton<CorrectedFileRounds>();
        services.AddHostedService(sp => sp.GetRequiredService<CorrectedFileRounds>());
        services.AddRateLimiter(o => o.AddPolicy<string, ShareRateLimitPolicy>(RateLimitPolicy));
        services.AddHttpClient(ShareWebhook.Client, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddHostedService<ShareWebhook>();
        // Sharing plugs itself into the other parts' pages; they do not know it.
        services.AddToSlot<ShareNotifications>(LayoutSlots.Top);
        services.AddToSlot<ShareProofsPanel>(JobsSlots.JobPanels);
        services.AddToSlot<ShareOrderButton>(JobsSlots.JobsListActions);
        services.AddNavEntry(new NavEntry("Shares", Urls.Shares(), Icons.Material.Filled.Share, Policies.ShareProofs, 40));
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
