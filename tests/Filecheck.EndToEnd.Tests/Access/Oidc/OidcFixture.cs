using Microsoft.Playwright;

namespace Filecheck.EndToEnd.Tests.Access.Oidc;

/// <summary>
/// The test provider, the dashboard pointed at it through its AzureAd section alone, and a Chromium that accepts the
/// test certificate (only this browser, only for these tests).
/// </summary>
public sealed class OidcFixture : IAsyncLifetime
{
    private TestCertificate _certificate = default!;
    private Browser _browser = default!;
    private readonly string _historyDatabase = Filecheck.Testing.TempStore.NewDatabasePath("fc-oidc-");

    public OidcProvider Provider { get; private set; } = default!;
    public DashboardProcess Dashboard { get; private set; } = default!;
    public IBrowserContext Browser => _browser.Context;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificate.Create();
        Provider = await OidcProvider.StartAsync(_certificate);
        Dashboard = await DashboardProcess.StartAsync(new Dictionary<string, string>
        {
            // Development keeps the build's static web assets (MudBlazor, blazor.web.js) served from bin; with an AzureAd
            // section present it is Microsoft sign-in all the same, and no demo.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["SSL_CERT_FILE"] = _certificate.CertificatePath,
            ["Kestrel__Endpoints__Https__Url"] = "https://127.0.0.1:0",
            ["Kestrel__Endpoints__Https__Certificate__Path"] = _certificate.CertificatePath,
            ["Kestrel__Endpoints__Https__Certificate__KeyPath"] = _certificate.KeyPath,
            ["AzureAd__Instance"] = Provider.BaseAddress.AbsoluteUri,
            ["AzureAd__TenantId"] = OidcProvider.TenantId,
            ["AzureAd__ClientId"] = OidcProvider.ClientId,
            ["AzureAd__ClientSecret"] = OidcProvider.ClientSecret,
            ["AzureAd__CallbackPath"] = "/signin-oidc",
            ["Sandbox__JobCount"] = "200",
            ["Sandbox__Seed"] = "7",
            ["History__DatabasePath"] = _historyDatabase,
        });
        Provider.RegisterClient(Dashboard.BaseAddress);

        _browser = await Filecheck.EndToEnd.Tests.Support.Browser.LaunchAsync(ignoreHttpsErrors: true);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        if (Dashboard is not null) await Dashboard.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
        _certificate?.Dispose();
        // The history, its sandbox copy, WAL and shared-memory files: the whole folder.
        Filecheck.Testing.TempStore.Delete(_historyDatabase);
    }
}
