using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Shell;

public static class ShellSetup
{
    public static IHostApplicationBuilder AddShell(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHealthChecks();
        services.AddScoped<ThemeState>();
        // Behind a TLS-terminating proxy: the client's address and scheme, from the proxies named in configuration only.
        services.AddValidatedOptions<ProxyOptions, ProxyOptionsValidator>(builder.Configuration.GetSection(ProxyOptions.Section));
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((o, proxy) => proxy.Value.ApplyTo(o));
        // The features add their own policies (per person, per share link); the middleware is placed in UseShell.
        services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        return builder;
    }

    public static WebApplication UseShell(this WebApplication app)
    {
        // First: every later step (HSTS, cookies' Secure flag, rate limits by address) sees the client's scheme and address.
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            // Only pages are re-rendered as "not found": a re-executed POST would run the form's checks a second time.
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        // After authentication: limits are per signed-in person.
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapShell(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        // Probes for a load balancer or Kubernetes: anonymous, never rate limited, the status word only (200 or 503).
        // Live: the process answers; no check runs.
        app.MapHealthChecks(HealthTags.LivePath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        // Ready: every check tagged "ready" (the store; the bus where there is one).
        app.MapHealthChecks(HealthTags.ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready) }).AllowAnonymous().DisableRateLimiting();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
