using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Filecheck.Dashboard.Sandbox;
using Microsoft.Extensions.Configuration;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// The whole dashboard in memory (TestServer) with the given environment and settings. In Development with no
/// <c>Filecheck:BaseUrl</c> it runs on its built-in sandbox and signs in through the demo form; production-like tests
/// use <see cref="ProductionApp"/>, since neither exists outside Development.
/// </summary>
public class DashboardApp(string environment, Dictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    /// <summary>Development's local demo (demo sign-in, built-in sandbox), as <c>dotnet run</c> gives it, on a small sandbox.</summary>
    public static Dictionary<string, string?> DemoSettings() => new()
    {
        ["Auth:Mode"] = "Demo",
        ["Sandbox:JobCount"] = "120",
        ["Sandbox:Seed"] = "5",
        // Each app its own history, never the repository's data folder.
        ["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-access-"),
    };

    // The built-in sandbox this app runs on (Development with no Filecheck:BaseUrl), started before the app.
    private SandboxRun? _sandbox;

    /// <summary>The host, then its own history folder (a test's <c>fc-…</c> temporary folder; any other path is kept).</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sandbox is not null) await _sandbox.DisposeAsync();
        Filecheck.Testing.TempStore.Delete(settings.GetValueOrDefault("History:DatabasePath"));
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseContentRoot(DashboardPaths.FindRepositoryRoot()!);
        // UseSetting: the settings must be there when Program reads them, before the host is built.
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        // As Program does, but here: WebApplicationFactory takes the first host built on Program's flow for its own.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        if (!SandboxRun.IsWanted(configuration, environment)) return;
        _sandbox ??= Task.Run(() => SandboxRun.StartAsync(configuration, DashboardPaths.FindRepositoryRoot()!)).GetAwaiter().GetResult();
        builder.UseSandbox(_sandbox);
    }

    /// <summary>On real Kestrel at 127.0.0.1 (a free port) instead of in memory: for what needs a socket, such as the sandbox's webhooks.</summary>
    public DashboardApp StartOnKestrel()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        return this;
    }

    /// <summary>A client with its own cookie jar, on https at a non-loopback name (so HSTS applies), not following redirects.</summary>
    public HttpClient NewClient(CookieContainer? cookies = null) =>
        CreateDefaultClient(BaseAddress, new CookieContainerHandler(cookies ?? new CookieContainer()));

    public static readonly Uri BaseAddress = new("https://dashboard.test/");

    /// <summary>Signs in through the real demo form: the sign-in page's antiforgery token, then the form post.</summary>
    public virtual async Task<HttpClient> SignedInClientAsync(string demoUser, CookieContainer? cookies = null)
    {
        var client = NewClient(cookies);
        var page = await client.GetStringAsync("/account/signin");
        var form = Regex.Match(page, $"""<form[^>]*action="/account/demo-signin"[^>]*>(?:(?!</form>).)*value="{demoUser}"(?:(?!</form>).)*</form>""",
            RegexOptions.Singleline);
        Assert.True(form.Success, $"The sign-in page has no form for demo user '{demoUser}'.");
        var token = Regex.Match(form.Value, """name="__RequestVerificationToken"[^>]*value="([^"]+)" """.Trim()).Groups[1].Value;
        Assert.NotEmpty(token);
        var response = await client.PostAsync("/account/demo-signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["user"] = demoUser,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token a page renders into its forms (the sign-out form, for a signed-in user).</summary>
    public static string FormToken(string html)
    {
        var match = Regex.Match(html, """name="__RequestVerificationToken"[^>]*value="([^"]+)" """.Trim());
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
