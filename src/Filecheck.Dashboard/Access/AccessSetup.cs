using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Identity.Web;

namespace Filecheck.Dashboard.Access;

public enum AuthMode
{
    /// <summary>Pick a demo user per role; local use only.</summary>
    Demo,
    /// <summary>Microsoft Entra ID through Microsoft.Identity.Web.</summary>
    MicrosoftIdentity,
}

public sealed record AccessSettings(AuthMode Mode, TimeSpan SessionLifetime);

public static class AccessSetup
{
    public const string SignInPath = "/account/signin";
    public const string SignOutPath = "/account/signout";
    public const string DeniedPath = "/account/denied";
    public const string DemoSignInPath = "/account/demo-signin";

    /// <summary>The keys a usable <c>AzureAd</c> section must have (a secret or a certificate besides).</summary>
    public static readonly string[] RequiredAzureAdKeys = ["AzureAd:Instance", "AzureAd:TenantId", "AzureAd:ClientId"];

    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        var settings = ResolveSettings(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(settings);

        if (settings.Mode == AuthMode.Demo)
        {
            builder.Services
                .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(o => ConfigureCookie(o, settings));
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
                }, o => ConfigureCookie(o, settings));
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
        return builder;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions o, AccessSettings settings)
    {
        o.LoginPath = SignInPath;
        o.AccessDeniedPath = DeniedPath;
        o.ExpireTimeSpan = settings.SessionLifetime;
        o.SlidingExpiration = true;
        o.Cookie.Name = "filecheck.dashboard";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }

    /// <summary>
    /// Demo sign-in only when asked for explicitly (<c>Auth:Mode=Demo</c>) or in Development without an <c>AzureAd</c>
    /// section; otherwise a complete <c>AzureAd</c> section is required and its absence stops the start.
    /// </summary>
    public static AccessSettings ResolveSettings(IConfiguration configuration, IHostEnvironment environment)
    {
        var lifetime = configuration.GetValue<TimeSpan?>("Auth:SessionLifetime") ?? TimeSpan.FromHours(8);
        var mode = configuration["Auth:Mode"];
        var azureAd = configuration.GetSection("AzureAd");
        if (string.Equals(mode, "Demo", StringComparison.OrdinalIgnoreCase)
            || (string.IsNullOrEmpty(mode) && environment.IsDevelopment() && !azureAd.Exists()))
        {
            return new AccessSettings(AuthMode.Demo, lifetime);
        }

        var missing = RequiredAzureAdKeys.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        var hasCredential = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientSecret"])
            || configuration.GetSection("AzureAd:ClientCertificates").GetChildren().Any()
            || configuration.GetSection("AzureAd:ClientCredentials").GetChildren().Any();
        if (!hasCredential)
        {
            missing.Add("AzureAd:ClientSecret (or AzureAd:ClientCertificates)");
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "Sign-in is not configured, so the dashboard will not start (it never runs open). Missing: "
                + string.Join(", ", missing)
                + ". Set them in configuration (user-secrets or environment, e.g. AzureAd__ClientId), "
                + "or set Auth:Mode=Demo for a local demo.");
        }
        return new AccessSettings(AuthMode.MicrosoftIdentity, lifetime);
    }

    public static WebApplication MapAccess(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AccessSettings>();
        if (settings.Mode == AuthMode.Demo)
        {
            // Form binding makes the antiforgery middleware check the token the sign-in page renders.
            app.MapPost(DemoSignInPath, DemoSignInAsync).AllowAnonymous();
        }
        else
        {
            app.MapGet(SignInPath, (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous();
        }

        app.MapPost(SignOutPath, (AccessSettings s) => s.Mode == AuthMode.Demo
                ? Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [CookieAuthenticationDefaults.AuthenticationScheme])
                : Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                    [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]))
            .RequireAuthorization();
        return app;
    }

    private static async Task<IResult> DemoSignInAsync(HttpContext context, [FromForm] string? user, [FromForm] string? returnUrl)
    {
        var demo = DemoUsers.Find(user);
        if (demo is null)
        {
            return Results.BadRequest("Pick one of the demo users listed on the sign-in page.");
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "demo-" + demo.Id),
            new(ClaimTypes.Name, demo.Name),
            new(ClaimTypes.Email, demo.Email),
            new("auth_mode", "demo"),
        };
        claims.AddRange(demo.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return Results.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    /// <summary>Only local paths; anything else (another host, a protocol-relative URL) goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            ? returnUrl
            : "/";
}
