using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// The whole dashboard as production runs it: the Production environment, Microsoft sign-in from a complete
/// <c>AzureAd</c> section, and a <c>Filecheck:BaseUrl</c> (a sandbox server of its own on loopback HTTP, standing in
/// for the real API). No identity provider is reachable here, so the test host, never the app, adds two things: the
/// provider's metadata is given to the OpenID Connect handler instead of fetched (its challenge is the real one, a
/// redirect to <see cref="AuthorizeEndpoint"/>), and a test-only scheme, <see cref="TestSignInHandler"/>, does what the
/// provider's callback does: it signs the named user into the app's own cookie with the claims an Entra ID token carries.
/// </summary>
public class ProductionApp : DashboardApp
{
    public const string Instance = "https://login.filecheck.test/";
    public const string TenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public static readonly string AuthorizeEndpoint = $"{Instance}{TenantId}/oauth2/v2.0/authorize";
    public static readonly string EndSessionEndpoint = $"{Instance}{TenantId}/oauth2/v2.0/logout";

    public ProductionApp() : this(extra: null)
    {
    }

    public ProductionApp(Dictionary<string, string?>? extra, SandboxOptions? sandbox = null)
        : this(SandboxServer.StartAsync(sandbox ?? new SandboxOptions { JobCount = 120, Seed = 5, NewJobEvery = null }).GetAwaiter().GetResult(), extra)
    {
    }

    private ProductionApp(SandboxServer sandbox, Dictionary<string, string?>? extra) : base("Production", Settings(sandbox, extra)) =>
        Sandbox = sandbox;

    /// <summary>The Filecheck API this dashboard is configured with (<c>Filecheck:BaseUrl</c>).</summary>
    public SandboxServer Sandbox { get; }

    /// <summary>What production needs beside a Filecheck API: a complete sign-in configuration, and a history of its own.</summary>
    public static Dictionary<string, string?> SignInSettings() => new()
    {
        ["AzureAd:Instance"] = Instance,
        ["AzureAd:TenantId"] = TenantId,
        ["AzureAd:ClientId"] = "11111111-2222-3333-4444-555555555555",
        ["AzureAd:ClientSecret"] = "not-a-real-secret",
        ["AzureAd:CallbackPath"] = "/signin-oidc",
        // Production refuses an unencrypted key ring unless told; the certificate's own tests set one (ProxyAndKeysTests).
        ["DataProtection:AllowUnencryptedKeys"] = "true",
        // Each app its own history, never the repository's data folder.
        ["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-access-"),
    };

    private static Dictionary<string, string?> Settings(SandboxServer sandbox, Dictionary<string, string?>? extra)
    {
        var settings = SignInSettings();
        settings["Filecheck:BaseUrl"] = sandbox.BaseAddress.ToString();
        settings["Filecheck:ApiKey"] = sandbox.ApiKey;
        foreach (var (key, value) in extra ?? [])
        {
            // A store of the test's own replaces the default one, whose folder is not needed then.
            if (key == "History:DatabasePath" && settings[key] != value) Filecheck.Testing.TempStore.Delete(settings[key]);
            settings[key] = value;
        }
        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TestSignInHandler>(TestSignInHandler.Name, null);
            services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                var metadata = new OpenIdConnectConfiguration
                {
                    Issuer = $"{Instance}{TenantId}/v2.0",
                    AuthorizationEndpoint = AuthorizeEndpoint,
                    EndSessionEndpoint = EndSessionEndpoint,
                };
                o.Configuration = metadata;
                o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(metadata);
            });
            // Proofs and downloads come from this API's own loopback address, as the sandbox mode allows in Development.
            services.PostConfigure<ArtifactOptions>(o => o.OnlyOrigin = Sandbox.BaseAddress);
        });
    }

    /// <summary>Signs in through the test-only scheme: the user's cookie, as the provider's callback would set it.</summary>
    public override async Task<HttpClient> SignedInClientAsync(string user, CookieContainer? cookies = null)
    {
        var client = NewClient(cookies);
        var response = await client.GetAsync($"{TestSignInHandler.Path}?user={Uri.EscapeDataString(user)}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The sign-in challenge of Microsoft sign-in: a redirect to the identity provider.</summary>
    public static bool IsChallenge(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 300 and < 400
        && response.Headers.Location is { IsAbsoluteUri: true } location
        && location.AbsoluteUri.StartsWith(AuthorizeEndpoint, StringComparison.Ordinal);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

/// <summary>
/// Test-only, registered by <see cref="ProductionApp"/>'s host: <c>GET /test-signin?user=staff</c> signs that user
/// (the demo users' ids and roles, so that the role matrix reads the same) into the app's cookie with the claims Entra ID
/// puts in a token, as the OpenID Connect callback does. The cookie's own events stamp the session, as for a real sign-in.
/// </summary>
public sealed class TestSignInHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
{
    public const string Name = "TestSignIn";
    public const string Path = "/test-signin";

    public async Task<bool> HandleRequestAsync()
    {
        if (!Request.Path.Equals(Path, StringComparison.Ordinal)) return false;
        if (DemoUsers.Find(Request.Query["user"]) is not { } user)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return true;
        }
        var claims = new List<Claim>
        {
            new("sub", "sub-" + user.Id),
            new("oid", "oid-" + user.Id),
            new("tid", ProductionApp.TenantId),
            new("name", user.Name),
            new("preferred_username", user.Email),
        };
        claims.AddRange(user.Roles.Select(r => new Claim("roles", r)));
        var identity = new ClaimsIdentity(claims, "AuthenticationTypes.Federation", "name", "roles");
        // The app authenticates through the OpenID Connect scheme, which accepts only a cookie it issued itself: the
        // callback marks its sign-ins so (RemoteAuthenticationHandler's ".AuthScheme"), and so does this stand-in.
        var properties = new AuthenticationProperties { Items = { [".AuthScheme"] = OpenIdConnectDefaults.AuthenticationScheme } };
        await Context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity), properties);
        Response.Redirect("/");
        return true;
    }

    // It signs in; the app's cookie authenticates every request after that.
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
}

/// <summary>One production-like app shared by a test class.</summary>
public sealed class ProductionAppFixture() : ProductionApp();
