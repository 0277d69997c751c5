using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Filecheck.EndToEnd.Tests.Access.Oidc;

/// <summary>
/// A real OpenID Connect provider (OpenIddict's server, in degraded mode: no database, the client is checked by the
/// handlers below) on https://127.0.0.1 with the test certificate. Its URLs mirror Entra ID's
/// (<c>{instance}{tenant}/v2.0</c>, <c>/oauth2/v2.0/authorize</c>…) so that Microsoft.Identity.Web's own issuer
/// validation runs unmodified. Its sign-in page lists the users below; nothing is remembered between sign-ins.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string TenantId = "9188040d-6c67-4c5b-b112-36a304b66dad";
    public const string ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e";
    public const string ClientSecret = "test-only-secret-7f3c";

    public sealed record User(string Id, string Name, string Email, string[] Roles);

    public static readonly User Staff = new("staff", "Olivia Staff", "olivia@filecheck.test", [Dashboard.Access.Roles.Staff]);
    public static readonly User Manager = new("manager", "Marek Manager", "marek@filecheck.test", [Dashboard.Access.Roles.Manager, Dashboard.Access.Roles.Staff]);
    public static readonly User NoRole = new("norole", "Nadia NoRole", "nadia@filecheck.test", []);
    public static readonly IReadOnlyList<User> Users = [Staff, Manager, NoRole];

    private readonly WebApplication _app;
    private readonly Registration _registration;

    private OidcProvider(WebApplication app, Registration registration, Uri baseAddress)
    {
        _app = app;
        _registration = registration;
        BaseAddress = baseAddress;
    }

    /// <summary>https://127.0.0.1:PORT/ — the dashboard's <c>AzureAd:Instance</c>.</summary>
    public Uri BaseAddress { get; }

    public Uri Issuer => new(BaseAddress, $"{TenantId}/v2.0");

    /// <summary>Where the dashboard runs; only its callback URLs are accepted.</summary>
    public void RegisterClient(Uri dashboard)
    {
        _registration.RedirectUri = new Uri(dashboard, "signin-oidc").AbsoluteUri;
        _registration.PostLogoutRedirectUri = new Uri(dashboard, "signout-callback-oidc").AbsoluteUri;
    }

    public static async Task<OidcProvider> StartAsync(TestCertificate certificate)
    {
        var registration = new Registration();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate.Certificate)));
        builder.Services.AddAuthentication();
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            // No stores: codes are self-contained and the one client is checked by the handlers below.
            o.EnableDegradedMode();
            var prefix = TenantId + "/";
            o.SetConfigurationEndpointUris(prefix + "v2.0/.well-known/openid-configuration")
                .SetJsonWebKeySetEndpointUris(prefix + "discovery/v2.0/keys")
                .SetAuthorizationEndpointUris(prefix + "oauth2/v2.0/authorize")
                .SetTokenEndpointUris(prefix + "oauth2/v2.0/token")
                .SetEndSessionEndpointUris(prefix + "oauth2/v2.0/logout");
            o.AllowAuthorizationCodeFlow();
            o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess);
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.DisableAccessTokenEncryption();
            o.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough();

            o.AddEventHandler<ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, "Unknown client_id.");
                else if (context.RedirectUri != registration.RedirectUri) context.Reject(Errors.InvalidRequest, "Unregistered redirect_uri.");
                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Wrong client credentials.");
                }
                return default;
            }));
            o.AddEventHandler<ValidateEndSessionRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } uri && uri != registration.PostLogoutRedirectUri)
                {
                    context.Reject(Errors.InvalidRequest, "Unregistered post_logout_redirect_uri.");
                }
                return default;
            }));
        });
        // The issuer carries the port, known only once Kestrel listens; options are first read at the first request.
        builder.Services.PostConfigure<OpenIddictServerOptions>(o => o.Issuer = registration.Issuer);

        var app = builder.Build();
        app.UseAuthentication();
        app.MapMethods($"/{TenantId}/oauth2/v2.0/authorize", ["GET", "POST"], Authorize);
        // Cast: a method taking only HttpContext would otherwise bind as a RequestDelegate and its result be dropped.
        app.MapPost($"/{TenantId}/oauth2/v2.0/token", (Delegate)Token);
        app.MapMethods($"/{TenantId}/oauth2/v2.0/logout", ["GET", "POST"], () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.Replace("[::]", "127.0.0.1").TrimEnd('/') + "/");
        registration.Issuer = new Uri(baseAddress, $"{TenantId}/v2.0");
        return new OidcProvider(app, registration, baseAddress);
    }

    /// <summary>Shows the sign-in page until a user is picked, then issues the code for that user.</summary>
    private static IResult Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var picked = Users.FirstOrDefault(u => u.Id == (string?)request["login_user"]);
        if (picked is null)
        {
            return Results.Content(SignInPage(request, context.Request.Path), "text/html; charset=utf-8");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, "roles");
        identity.SetClaim(Claims.Subject, "sub-" + picked.Id)
            .SetClaim("oid", DeterministicGuid(picked.Id))
            .SetClaim("tid", TenantId)
            .SetClaim("ver", "2.0")
            .SetClaim(Claims.Name, picked.Name)
            .SetClaim(Claims.PreferredUsername, picked.Email)
            .SetClaims("roles", [.. picked.Roles]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> Token(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal) return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        principal.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string SignInPage(OpenIddictRequest request, PathString path)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><head><title>Test identity provider</title></head><body>");
        html.Append("<h1>Sign in to the test identity provider</h1>");
        html.Append($"<form method=\"post\" action=\"{HtmlEncoder.Default.Encode(path)}\">");
        foreach (var (name, value) in request.GetParameters())
        {
            if (name == "login_user") continue;
            html.Append($"<input type=\"hidden\" name=\"{HtmlEncoder.Default.Encode(name)}\" value=\"{HtmlEncoder.Default.Encode((string?)value ?? "")}\">");
        }
        foreach (var user in Users)
        {
            html.Append($"<button type=\"submit\" name=\"login_user\" value=\"{user.Id}\" data-user=\"{user.Id}\">{HtmlEncoder.Default.Encode(user.Name)}</button>");
        }
        return html.Append("</form></body></html>").ToString();
    }

    private static string DeterministicGuid(string seed) =>
        new Guid(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(seed))).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Registration
    {
        public Uri? Issuer { get; set; }
        public string? RedirectUri { get; set; }
        public string? PostLogoutRedirectUri { get; set; }
    }
}
