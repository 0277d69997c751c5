using System.Net;
using Filecheck.Dashboard.Shell;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Access;

public sealed class SecurityHeaderTests(ProductionAppFixture app) : IClassFixture<ProductionAppFixture>
{
    private const string PolicyUpToFormAction =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    // Microsoft sign-in: sign-out forms are redirected on to the identity provider, the only other place forms may go.
    private const string ProductionPolicy = PolicyUpToFormAction + " https://login.filecheck.test; object-src 'none'";
    private const string DevelopmentDemoPolicy = PolicyUpToFormAction + "; object-src 'none'";

    public static TheoryData<string, string?> Responses => new()
    {
        { "/", "staff" },                  // a page, signed in
        { "/account/signin", null },       // the sign-in endpoint (a redirect to the identity provider)
        { "/app.css", null },              // a static file
        { "/healthz", null },              // the health check
        { "/account/denied", "norole" },   // the refusal
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Response_InProduction_CarriesEverySecurityHeader(string path, string? user)
    {
        var client = user is null ? app.NewClient() : await app.SignedInClientAsync(user);

        var response = await client.GetAsync(path);

        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Forbidden
            || (path == "/account/signin" && ProductionApp.IsChallenge(response)), $"{path}: {(int)response.StatusCode}");
        Assert.Equal(ProductionPolicy, Single(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.StartsWith("max-age=", Single(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Page_InDevelopment_HasNoHstsAndThePolicyWithoutAProvider()
    {
        await using var development = new DashboardApp("Development", DashboardApp.DemoSettings());

        var response = await development.NewClient().GetAsync("/account/signin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(DevelopmentDemoPolicy, Single(response, "Content-Security-Policy"));
        // The framework's and MudBlazor's files are public too (the sign-in page loads them before anyone signs in).
        foreach (var path in new[] { "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.js" })
        {
            var asset = await development.NewClient().GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal("nosniff", Single(asset, "X-Content-Type-Options"));
        }
    }

    [Fact]
    public async Task CircuitErrors_OutsideDevelopment_AreNotDetailedEvenIfConfigured()
    {
        var settings = DashboardApp.DemoSettings();
        settings["DetailedErrors"] = "true";
        await using var production = new ProductionApp(new() { ["DetailedErrors"] = "true" });
        await using var development = new DashboardApp("Development", settings);

        Assert.False(production.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DetailedErrors);
        Assert.True(development.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DetailedErrors);
        await Task.CompletedTask;
    }

    [Fact]
    public void Policy_WithAnIdentityProvider_LetsOnlyFormsRedirectThere()
    {
        var policy = SecurityHeaders.ContentSecurityPolicy("https://login.microsoftonline.com");

        Assert.Contains("form-action 'self' https://login.microsoftonline.com;", policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
    }

    private static string Single(HttpResponseMessage response, string name)
    {
        var values = response.Headers.TryGetValues(name, out var h) ? h.ToList()
            : response.Content.Headers.TryGetValues(name, out var c) ? c.ToList() : [];
        Assert.True(values.Count == 1, $"{response.RequestMessage!.RequestUri!.AbsolutePath}: expected one {name} header, got {values.Count}: {string.Join(" | ", values)}");
        return values[0];
    }
}
