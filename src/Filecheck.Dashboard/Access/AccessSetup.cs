using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Access;

public static class AccessSetup
{
    public static IHostApplicationBuilder AddAccess(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // Needed now, to pick the authentication scheme; an unknown mode fails the start below (and signs in nobody).
        var resolved = AccessOptions.ResolveMode(configuration[$"{AccessOptions.Section}:Mode"], builder.Environment.IsDevelopment(),
            configuration.GetSection("AzureAd").Exists());
        var mode = resolved ?? AuthMode.MicrosoftIdentity;
        builder.Services.AddValidatedOptions(configuration.GetSection(AccessOptions.Section), new AccessOptionsValidator(configuration, resolved, builder.Environment))
            .PostConfigure(o =>
            {
                o.AuthMode = mode;
                o.SignInOrigin = mode == AuthMode.MicrosoftIdentity ? AccessOptions.OriginOf(configuration["AzureAd:Instance"]) : null;
            });
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Sessions live in the store: a sign-out holds across restarts and instances; expired rows are pruned.
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddHostedService<SessionPruning>();
        builder.Services.AddScoped<AccessGuard>();
        builder.Services.AddNavEntry(new NavEntry("Sessions", Urls.SessionsAdmin, MudBlazor.Icons.Material.Filled.People, Policies.Administer, 80));
        // In the layout: who is signed in (app bar, drawer), and the demo sign-in's warning above every page.
        builder.Services.AddToSlot<UserBox>(LayoutSlots.AppBarEnd);
        builder.Services.AddToSlot<DrawerUser>(LayoutSlots.Drawer);
        builder.Services.AddToSlot<DemoBanner>(LayoutSlots.MainTop);
        // Not the dashboard's fault, and over once the provider answers: "unavailable", not "internal error".
        builder.Services.AddSingleton(new ErrorExplanation(e => SignInProvider.IsUnreachable(e), "Microsoft sign-in could not be reached",
            new MarkupString("The dashboard signs you in through Microsoft, and Microsoft's sign-in service did not answer. Nothing was changed. "
                + "Try again in a minute; if it keeps happening, an administrator should check the network and the <code>AzureAd:Instance</code> "
                + "setting, with this reference:"),
            "Try again", StatusCodes.Status503ServiceUnavailable));
        // Signing out goes on to the identity provider: the content security policy lets forms go there.
        builder.Services.AddOptions<SecurityHeadersOptions>().Configure<IOptions<AccessOptions>>((o, access) =>
        {
            if (access.Value.SignInOrigin is { } origin) o.FormActionOrigins.Add(origin);
        });
        // Replaces Blazor's provider whichever of the two is registered first.
        builder.Services.Replace(ServiceDescriptor.Scoped<AuthenticationStateProvider, SessionRevalidator>());
        // Exception details reach the browser only in Development, whatever the configuration says.
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.PostConfigure<CircuitOptions>(o => o.DetailedErrors &= isDevelopment);
        // Outside Development the session cookie is Secure whatever the request looked like (TLS ends at the proxy).
        var secure = isDevelopment ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        // The form tokens' cookie is Secure on every https request, the forwarded ones included (its default never is);
        // not Always: antiforgery refuses to render a form over plain http then, and a misnamed proxy would be a 500.
        builder.Services.PostConfigure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        void Cookie(CookieAuthenticationOptions o) => ConfigureCookie(o, secure);

        if (mode == AuthMode.Demo)
        {
            builder.Services
                .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(Cookie);
        }
        else
        {
            builder.Services
                .AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApp(o =>
                {
                    builder.Configuration.GetSection("AzureAd").Bind(o);
                    o.ResponseType = "code";
                    o.TokenValidationParameters.RoleClaimType = "roles";
                    o.TokenValidationParameters.NameClaimType = "name";
                    // Keep the token's claim names ("roles", "name", "oid"), which the two lines above refer to.
                    o.MapInboundClaims = false;
                }, Cookie);
            // Identity.Web sets its own name claim (preferred_username) after the delegate above: the app bar shows "name".
            builder.Services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "roles";
            });
        }

        builder.Services.AddAuthorization(o =>
        {
            // Fail closed: an endpoint that declares nothing still needs a signed-in user.
            o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().Build();
            foreach (var (policy, roles) in Policies.RolesFor)
            {
                o.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
            }
        });
        builder.Services.AddCascadingAuthenticationState();
        // A fixed lifetime from sign-in: the circuit can check it, and a stolen cookie does not live forever.
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AccessOptions>>((o, access) => o.ExpireTimeSpan = access.Value.SessionLifetime);
        return builder;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions o, CookieSecurePolicy secure)
    {
        o.LoginPath = AccessEndpoints.SignInPath;
        o.AccessDeniedPath = AccessEndpoints.DeniedPath;
        o.SlidingExpiration = false;
        o.Cookie.Name = "filecheck.dashboard";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = secure;
        var signingIn = o.Events.OnSigningIn;
        o.Events.OnSigningIn = async context =>
        {
            await signingIn(context);
            SessionClaims.Stamp(context);
        };
        var signedIn = o.Events.OnSignedIn;
        o.Events.OnSignedIn = async context =>
        {
            await signedIn(context);
            if (context.Principal is not { } user) return;
            try
            {
                await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().RecordSignInAsync(user, context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The row is added at the session's first request instead; signing in does not depend on it.
                context.HttpContext.RequestServices.GetRequiredService<ILogger<SessionStore>>().LogWarning(e, "Could not record a new session");
            }
        };
        var validatePrincipal = o.Events.OnValidatePrincipal;
        o.Events.OnValidatePrincipal = async context =>
        {
            await validatePrincipal(context);
            if (context.Principal is { } user
                && !await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().IsValidAsync(user, context.HttpContext.RequestAborted))
            {
                context.RejectPrincipal();
            }
        };
    }
}
