using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Identity.Web;

namespace Filecheck.Dashboard.Access;

public enum AuthMode
{
    /// <summary>Pick a demo user per role; local use only.</summary>
    Demo,
    /// <summary>Microsoft Entra ID through Microsoft.Identity.Web.</summary>
    MicrosoftIdentity,
}

/// <param name="Mode">Demo or Microsoft sign-in.</param>
/// <param name="SessionLifetime">How long a sign-in lasts, counted from the sign-in (<c>Auth:SessionLifetime</c>).</param>
public sealed record AccessSettings(AuthMode Mode, TimeSpan SessionLifetime)
{
    /// <summary>How often an open circuit re-checks its session (<c>Auth:RevalidationInterval</c>).</summary>
    public TimeSpan RevalidationInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The identity provider's origin (from <c>AzureAd:Instance</c>): sign-out forms are redirected there.</summary>
    public string? SignInOrigin { get; init; }
}

public static class AccessSetup
{
    public const string SignInPath = "/account/signin";
    public const string SignOutPath = "/account/signout";
    public const string DeniedPath = "/account/denied";
    public const string DemoSignInPath = "/account/demo-signin";

    /// <summary>The keys a usable <c>AzureAd</c> section must have (a secret or a certificate besides).</summary>
    public static readonly string[] RequiredAzureAdKeys = ["AzureAd:Instance", "AzureAd:TenantId", "AzureAd:ClientId"];

    public static IHostApplicationBuilder AddAccess(this IHostApplicationBuilder builder)
    {
        var settings = ResolveSettings(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SignedOutSessions>();
        builder.Services.AddScoped<AccessGuard>();
        // Replaces Blazor's provider whichever of the two is registered first.
        builder.Services.Replace(ServiceDescriptor.Scoped<AuthenticationStateProvider, SessionRevalidator>());
        // Exception details reach the browser only in Development, whatever the configuration says.
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.PostConfigure<CircuitOptions>(o => o.DetailedErrors &= isDevelopment);

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
                    // Keep the token's claim names ("roles", "name", "oid"), which the two lines above refer to.
                    o.MapInboundClaims = false;
                }, o => ConfigureCookie(o, settings));
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
        return builder;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions o, AccessSettings settings)
    {
        o.LoginPath = SignInPath;
        o.AccessDeniedPath = DeniedPath;
        // A fixed lifetime from sign-in: the circuit can check it, and a stolen cookie does not live forever.
        o.ExpireTimeSpan = settings.SessionLifetime;
        o.SlidingExpiration = false;
        o.Cookie.Name = "filecheck.dashboard";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        var signingIn = o.Events.OnSigningIn;
        o.Events.OnSigningIn = async context =>
        {
            await signingIn(context);
            SessionClaims.Stamp(context);
        };
        var validatePrincipal = o.Events.OnValidatePrincipal;
        o.Events.OnValidatePrincipal = async context =>
        {
            await validatePrincipal(context);
            if (context.Principal is { } user
                && !context.HttpContext.RequestServices.GetRequiredService<SignedOutSessions>().IsValid(user))
            {
                context.RejectPrincipal();
            }
        };
    }

    /// <summary>
    /// Demo sign-in only when asked for explicitly (<c>Auth:Mode=Demo</c>) or in Development without an <c>AzureAd</c>
    /// section; otherwise a complete <c>AzureAd</c> section is required and its absence stops the start.
    /// </summary>
    public static AccessSettings ResolveSettings(IConfiguration configuration, IHostEnvironment environment)
    {
        var lifetime = PositiveTimeSpan(configuration, "Auth:SessionLifetime", TimeSpan.FromHours(8));
        var revalidation = PositiveTimeSpan(configuration, "Auth:RevalidationInterval", TimeSpan.FromMinutes(5));
        var mode = configuration["Auth:Mode"];
        var azureAd = configuration.GetSection("AzureAd");
        if (string.Equals(mode, "Demo", StringComparison.OrdinalIgnoreCase)
            || (string.IsNullOrEmpty(mode) && environment.IsDevelopment() && !azureAd.Exists()))
        {
            return new AccessSettings(AuthMode.Demo, lifetime) { RevalidationInterval = revalidation };
        }
        if (!string.IsNullOrEmpty(mode) && !string.Equals(mode, nameof(AuthMode.MicrosoftIdentity), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Auth:Mode is '{mode}'; it must be empty, 'MicrosoftIdentity' or 'Demo'.");
        }

        var missing = RequiredAzureAdKeys.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        Uri? instance = null;
        if (!missing.Contains("AzureAd:Instance")
            && (!Uri.TryCreate(configuration["AzureAd:Instance"], UriKind.Absolute, out instance) || instance.Scheme != Uri.UriSchemeHttps))
        {
            missing.Add("AzureAd:Instance (an https URL, e.g. https://login.microsoftonline.com/)");
        }
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
        return new AccessSettings(AuthMode.MicrosoftIdentity, lifetime)
        {
            RevalidationInterval = revalidation,
            SignInOrigin = instance!.GetLeftPart(UriPartial.Authority),
        };
    }

    private static TimeSpan PositiveTimeSpan(IConfiguration configuration, string key, TimeSpan fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"{key} is '{text}'; it must be a positive time span such as 08:00:00.");
    }

    public static WebApplication MapAccess(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AccessSettings>();
        if (settings.Mode == AuthMode.Demo)
        {
            app.MapPost(DemoSignInPath, DemoSignInAsync).AllowAnonymous().DisableAntiforgery();
        }
        else
        {
            // Ahead of the sign-in page's own route, which only renders in demo mode.
            app.MapGet(SignInPath, (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous().WithOrder(-1);
        }

        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> SignOutAsync(
        HttpContext context, IAntiforgery antiforgery, AccessSettings settings, SignedOutSessions sessions)
    {
        // No form field is bound here, so the antiforgery middleware would not refuse a forged post by itself.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Text("The sign-out form has expired. Reload the page and sign out again.", statusCode: StatusCodes.Status400BadRequest);
        }
        sessions.Revoke(context.User);
        var properties = new AuthenticationProperties { RedirectUri = "/" };
        return settings.Mode == AuthMode.Demo
            ? Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme])
            : Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> DemoSignInAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // Checked here rather than by form binding, so that a stale form (a restart, an old tab) gets a plain answer.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Text("The sign-in form has expired. Reload the sign-in page and pick a user again.",
                statusCode: StatusCodes.Status400BadRequest);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? user = form["user"], returnUrl = form["returnUrl"];
        var demo = DemoUsers.Find(user);
        if (demo is null)
        {
            return Results.Text("Pick one of the demo users listed on the sign-in page.", statusCode: StatusCodes.Status400BadRequest);
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
        // The framework's own test also refuses control characters, which browsers strip ("/\t/evil.com" is "//evil.com").
        Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(returnUrl) && !returnUrl!.Any(char.IsControl) ? returnUrl! : "/";
}
