using System.Net;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Tests.Access;
using Filecheck.Dashboard.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>
/// Behind a TLS-terminating proxy: the forwarded scheme is believed from known proxies only, cookies are Secure outside
/// Development, and the Data Protection keys live in the history store, so a second instance (or a restart) on the same
/// store accepts the first one's cookies.
/// </summary>
public sealed class ProxyAndKeysTests
{
    private const string KnownProxy = "10.0.0.5";

    private static async Task<string[]> SignInPageCookiesAsync(DashboardApp app, string from, string? forwardedProto)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Scheme = "http";
            c.Request.Host = new HostString("dashboard.test");
            c.Request.Path = "/account/signin";
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            if (forwardedProto is not null)
            {
                c.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
                c.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
            }
        });
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var cookies = context.Response.Headers.SetCookie.Select(v => v!).ToArray();
        Assert.NotEmpty(cookies);
        return cookies;
    }

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task ForwardedHttps_FromAKnownProxy_SecureCookies_FromAnUnknownAddress_HeaderIgnored()
    {
        var settings = DashboardApp.DemoSettings();
        settings["History:Sync:Enabled"] = "false";
        settings["ForwardedHeaders:KnownProxies:0"] = KnownProxy;
        // Development: cookies follow the request's scheme, so only the forwarded header can make them Secure.
        await using var app = new DashboardApp("Development", settings);

        var viaProxy = await SignInPageCookiesAsync(app, KnownProxy, "https");
        var viaStranger = await SignInPageCookiesAsync(app, "10.0.0.9", "https");

        Assert.All(viaProxy, c => Assert.True(IsSecure(c), c));
        Assert.All(viaStranger, c => Assert.False(IsSecure(c), c));
    }

    [Fact]
    public async Task OutsideDevelopment_TheSessionCookieIsSecure_EvenOverPlainHttp()
    {
        await using var app = new ProductionApp(new() { ["History:Sync:Enabled"] = "false" });
        // Signed in over plain http, as a proxy that terminates TLS (and is not named) passes it on; the test-only
        // scheme issues the app's own session cookie, as the provider's callback would.
        var signIn = await app.Server.SendAsync(c =>
        {
            Http(c, HttpMethods.Get, TestSignInHandler.Path);
            c.Request.QueryString = new QueryString("?user=staff");
        });

        Assert.Equal(StatusCodes.Status302Found, signIn.Response.StatusCode);
        var session = signIn.Response.Headers.SetCookie.Select(v => v!).Where(v => v.StartsWith("filecheck.dashboard", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(session);
        Assert.All(session, c => Assert.True(IsSecure(c), c));
    }

    private static void Http(HttpContext c, string method, string path)
    {
        c.Request.Method = method;
        c.Request.Scheme = "http";
        c.Request.Host = new HostString("dashboard.test");
        c.Request.Path = path;
        c.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.9");
    }

    [Fact]
    public void ProxySettings_NotAnAddress_NamesTheKey()
    {
        var result = new ProxyOptionsValidator().Validate(null, new ProxyOptions { KnownProxies = ["10.0.0.5", "proxy.local"], KnownNetworks = ["10.1.0.0/33"] });

        Assert.Contains("ForwardedHeaders:KnownProxies:1", result.FailureMessage);
        Assert.Contains("ForwardedHeaders:KnownNetworks:0", result.FailureMessage);
    }

    private static Dictionary<string, string?> OwnStore(string databaseFile) => new()
    {
        ["History:DatabasePath"] = databaseFile,
        ["History:Sync:Enabled"] = "false",
    };

    [Fact]
    public async Task SessionCookie_FromOneInstance_AcceptedByAnotherOnTheSameStore_NotByOneOnAnother()
    {
        var shared = Filecheck.Testing.TempStore.NewDatabasePath("fc-keys-");
        var elsewhere = Filecheck.Testing.TempStore.NewDatabasePath("fc-keys-");
        await using var first = new ProductionApp(OwnStore(shared));
        await using var second = new ProductionApp(OwnStore(shared));
        await using var stranger = new ProductionApp(OwnStore(elsewhere));
        var jar = new CookieContainer();
        var signedIn = await first.SignedInClientAsync("staff", jar);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/")).StatusCode);

        var onSecond = await second.NewClient(jar).GetAsync("/");
        var onStranger = await stranger.NewClient(jar).GetAsync("/");

        // A restart or a second instance behind the load balancer: still signed in.
        Assert.Equal(HttpStatusCode.OK, onSecond.StatusCode);
        // The keys come from the store, not from a folder every process on this machine happens to share.
        Assert.True(ProductionApp.IsChallenge(onStranger), $"{onStranger.StatusCode} {onStranger.Headers.Location}");
        await using var db = await first.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task KeyRing_WithACertificate_IsStoredEncrypted_AndAnotherInstanceWithItAcceptsTheCookie()
    {
        var folder = Directory.CreateTempSubdirectory("fc-keys-").FullName;
        var store = Path.Combine(folder, "history.db");
        var settings = OwnStore(store);
        settings["DataProtection:CertificatePath"] = WriteCertificate(Path.Combine(folder, "keys.pfx"), "pfx-password");
        settings["DataProtection:CertificatePassword"] = "pfx-password";
        // The certificate alone lets production start.
        settings["DataProtection:AllowUnencryptedKeys"] = "false";
        await using var first = new ProductionApp(settings);
        await using var second = new ProductionApp(new Dictionary<string, string?>(settings));
        var jar = new CookieContainer();
        var signedIn = await first.SignedInClientAsync("staff", jar);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await second.NewClient(jar).GetAsync("/")).StatusCode);
        await using var db = await first.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(keys);
        // Encrypted to the certificate: no master key in the clear in the store.
        Assert.All(keys, xml =>
        {
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("unencrypted form", xml);
        });
    }

    [Fact]
    public void KeyRing_CertificateThatCannotBeRead_RefusesTheStartNamingTheKey()
    {
        var folder = Directory.CreateTempSubdirectory("fc-keys-").FullName;
        var settings = OwnStore(Path.Combine(folder, "history.db"));
        settings["DataProtection:CertificatePath"] = WriteCertificate(Path.Combine(folder, "keys.pfx"), "right-password");
        settings["DataProtection:CertificatePassword"] = "wrong-password";
        using var app = new ProductionApp(settings);

        var error = Record.Exception(() => app.Services);

        Assert.NotNull(error);
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("DataProtection:CertificatePath", messages);
        Assert.DoesNotContain("wrong-password", messages);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inner = e is AggregateException a ? a.InnerExceptions : e.InnerException is { } one ? [one] : (IEnumerable<Exception>)[];
        foreach (var child in inner.SelectMany(Flatten)) yield return child;
    }

    private static string WriteCertificate(string path, string password)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=Filecheck Dashboard key ring (test)", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, password));
        return path;
    }
}
