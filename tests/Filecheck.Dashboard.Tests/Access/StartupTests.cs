using System.Net;
using Filecheck.Dashboard.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Access;

public sealed class StartupTests
{
    private static readonly string[] AllKeys = ["AzureAd:Instance", "AzureAd:TenantId", "AzureAd:ClientId", "AzureAd:ClientSecret"];

    [Fact]
    public void Start_InProductionWithoutAzureAd_RefusesAndNamesEveryMissingKey()
    {
        var error = StartFails("Production", []);

        Assert.Contains("will not start", error);
        Assert.All(AllKeys, key => Assert.Contains(key, error));
    }

    [Fact]
    public void Start_InProductionWithAPartialAzureAd_NamesExactlyTheMissingKeys()
    {
        var error = StartFails("Production", new()
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:ClientId"] = "11111111-2222-3333-4444-555555555555",
        });

        Assert.Contains("AzureAd:TenantId", error);
        Assert.Contains("AzureAd:ClientSecret", error);
        Assert.DoesNotContain("AzureAd:Instance", error);
        Assert.DoesNotContain("AzureAd:ClientId", error);
    }

    [Fact]
    public void Start_InDevelopmentWithAnIncompleteAzureAd_RefusesRatherThanFallingBackToTheDemo()
    {
        var error = StartFails("Development", new() { ["AzureAd:ClientId"] = "11111111-2222-3333-4444-555555555555" });

        Assert.Contains("AzureAd:TenantId", error);
    }

    [Fact]
    public async Task Start_InDevelopment_RunsTheDemoWithItsBannerOnEveryPage()
    {
        await using var app = new DashboardApp("Development", DashboardApp.DemoSettings());

        Assert.Equal(AuthMode.Demo, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccessOptions>>().Value.AuthMode);
        var client = await app.SignedInClientAsync("staff");
        var home = await client.GetStringAsync("/");
        Assert.Contains("data-testid=\"demo-banner\"", home);
        var notFound = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("data-testid=\"demo-banner\"", await notFound.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Production", true)]
    [InlineData("Staging", true)]
    public void Start_OutsideDevelopmentWithDemoAskedFor_RefusesSayingWhy(string environment, bool azureAd)
    {
        // One environment variable (Auth__Mode=Demo) must not let anyone pick Admin on real data, even beside a real sign-in.
        var settings = azureAd ? CompleteAzureAd() : [];
        settings["Auth:Mode"] = "Demo";
        settings["Filecheck:BaseUrl"] = "https://api.filecheck.example/";
        settings["Filecheck:ApiKey"] = "sk_test_startup_0123456789";

        var error = StartError(environment, settings);

        Assert.Contains("Auth:Mode", error);
        Assert.Contains("only in Development", error);
        Assert.Contains($"'{environment}'", error);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Start_OutsideDevelopmentWithoutABaseUrl_RefusesNamingTheKey(string environment)
    {
        // A complete sign-in, no Filecheck API: the built-in sandbox is for Development only.
        var error = StartError(environment, CompleteAzureAd());

        Assert.Contains("Filecheck:BaseUrl", error);
        Assert.Contains("only in Development", error);
    }

    [Fact]
    public void Start_OutsideDevelopmentWithSignInAndABaseUrl_StartsWithoutDemoOrSandbox()
    {
        var settings = CompleteAzureAd();
        settings["Filecheck:BaseUrl"] = "https://api.filecheck.example/";
        settings["Filecheck:ApiKey"] = "sk_test_startup_0123456789";
        settings["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-startup-");
        settings["History:Sync:Enabled"] = "false";
        settings["DataProtection:AllowUnencryptedKeys"] = "true";
        using var app = new DashboardApp("Production", settings);

        Assert.Equal(AuthMode.MicrosoftIdentity, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccessOptions>>().Value.AuthMode);
        Assert.False(app.Services.GetRequiredService<Filecheck.Dashboard.Sandbox.BackendInfo>().IsSandbox);
        Assert.Empty(app.Services.GetServices<Filecheck.Dashboard.Sandbox.SandboxRun>());
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Start_OutsideDevelopmentWithoutAKeyRingCertificate_RefusesNamingTheKeys(string environment)
    {
        // Unencrypted keys in the store: anyone with a copy or backup of the database could mint an Admin session.
        var settings = CompleteAzureAd();
        settings["Filecheck:BaseUrl"] = "https://api.filecheck.example/";
        settings["Filecheck:ApiKey"] = "sk_test_startup_0123456789";

        var error = StartError(environment, settings);

        Assert.Contains("DataProtection:CertificatePath", error);
        Assert.Contains("DataProtection:AllowUnencryptedKeys", error);
        Assert.Contains($"'{environment}'", error);
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithUnencryptedKeysAllowed_StartsAndWarnsThatTheKeysAreUnencrypted()
    {
        var settings = CompleteAzureAd();
        settings["Filecheck:BaseUrl"] = "https://api.filecheck.example/";
        settings["Filecheck:ApiKey"] = "sk_test_startup_0123456789";
        settings["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-startup-");
        settings["History:Sync:Enabled"] = "false";
        settings["DataProtection:AllowUnencryptedKeys"] = "true";
        var logs = new Filecheck.Testing.LogCapture();
        await using var parent = new DashboardApp("Production", settings);
        await using var app = parent.WithWebHostBuilder(b => b.ConfigureLogging(l => logs.AddTo(l)));

        using var response = await app.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Contains(logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && l.Message.Contains("DataProtection:AllowUnencryptedKeys") && l.Message.Contains("unencrypted"));
    }

    [Fact]
    public async Task Start_InDevelopmentWithoutAKeyRingCertificate_StartsWithoutTheWarning()
    {
        var logs = new Filecheck.Testing.LogCapture();
        await using var parent = new DashboardApp("Development", DashboardApp.DemoSettings());
        await using var app = parent.WithWebHostBuilder(b => b.ConfigureLogging(l => logs.AddTo(l)));

        using var response = await app.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("DataProtection:AllowUnencryptedKeys"));
    }

    [Theory]
    [InlineData("Development", null, false, AuthMode.Demo)]
    [InlineData("Development", "", false, AuthMode.Demo)]
    [InlineData("Development", "Demo", true, AuthMode.Demo)]
    [InlineData("Development", "demo", false, AuthMode.Demo)]
    [InlineData("Development", null, true, AuthMode.MicrosoftIdentity)]
    [InlineData("Production", null, true, AuthMode.MicrosoftIdentity)]
    [InlineData("Production", "MicrosoftIdentity", true, AuthMode.MicrosoftIdentity)]
    public void Resolve_ModeEnvironmentAndSection_PicksTheDemoOnlyWhenAllowed(string environment, string? mode, bool azureAd, AuthMode expected)
    {
        var values = new Dictionary<string, string?> { ["Auth:Mode"] = mode };
        if (azureAd) foreach (var (k, v) in CompleteAzureAd()) values[k] = v;

        var settings = Resolve(values, environment);

        Assert.Equal(expected, settings.AuthMode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResolveMode_DemoOutsideDevelopment_IsNeverTheDemo(bool azureAd)
    {
        // Even were the start's refusal skipped, no demo scheme nor demo form is wired outside Development.
        Assert.NotEqual(AuthMode.Demo, AccessOptions.ResolveMode("Demo", isDevelopment: false, azureAd));
    }

    [Fact]
    public void Resolve_CompleteAzureAd_TakesLifetimesAndTheProviderOrigin()
    {
        var values = CompleteAzureAd();
        values["Auth:SessionLifetime"] = "01:30:00";
        values["Auth:RevalidationInterval"] = "00:02:00";

        var settings = Resolve(values, "Production");

        Assert.Equal(TimeSpan.FromMinutes(90), settings.SessionLifetime);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.RevalidationInterval);
        Assert.Equal("https://login.microsoftonline.com", settings.SignInOrigin);
    }

    [Theory]
    [InlineData("Auth:Mode", "Open")]
    [InlineData("Auth:SessionLifetime", "-01:00:00")]
    [InlineData("Auth:RevalidationInterval", "soon")]
    [InlineData("AzureAd:Instance", "http://login.example.com/")]
    public void Resolve_BadValue_NamesTheKey(string key, string value)
    {
        var values = CompleteAzureAd();
        values[key] = value;

        // A value that is no time span fails its binding, one out of range its validation: both name the key.
        var error = Assert.ThrowsAny<Exception>(() => Resolve(values, "Production"));

        Assert.Contains(key, error.Message);
    }

    private static Dictionary<string, string?> CompleteAzureAd() => new()
    {
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        ["AzureAd:ClientId"] = "11111111-2222-3333-4444-555555555555",
        ["AzureAd:ClientSecret"] = "not-a-real-secret",
    };

    /// <summary>The Access feature's own wiring and validation, as the dashboard's start runs them.</summary>
    private static AccessOptions Resolve(Dictionary<string, string?> values, string environment)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(values);
        builder.AddAccess();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<AccessOptions>>().Value;
    }

    /// <summary>Starts the real Program and returns the whole error text it stopped with, which names the missing keys.</summary>
    private static string StartFails(string environment, Dictionary<string, string?> settings)
    {
        var error = StartError(environment, settings);
        Assert.Contains("Missing:", error);
        return error;
    }

    /// <summary>Starts the real Program, which must refuse; every message of the exception and its inner ones.</summary>
    private static string StartError(string environment, Dictionary<string, string?> settings)
    {
        settings["Sandbox:JobCount"] = "20";
        using var app = new DashboardApp(environment, settings);
        var error = Record.Exception(() => app.Services);
        Assert.NotNull(error);
        var messages = new List<string>();
        void Collect(Exception e)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions) Collect(inner);
            else if (e.InnerException is { } one) Collect(one);
        }
        Collect(error);
        return string.Join(Environment.NewLine, messages);
    }
}
