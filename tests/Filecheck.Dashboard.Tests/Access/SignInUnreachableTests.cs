using System.Net;
using System.Net.Sockets;
using Filecheck.Dashboard.Access;

namespace Filecheck.Dashboard.Tests.Access;

/// <summary>Microsoft's sign-in service down or out of reach: the person is told so, not "something went wrong".</summary>
public sealed class SignInUnreachableTests
{
    [Fact]
    public async Task Page_WhenTheIdentityProviderDoesNotAnswer_503SayingSignInCouldNotBeReached_NoExceptionText()
    {
        // A production configuration whose provider is a loopback port nobody listens on (a refused connection, as from a
        // network that cannot reach login.microsoftonline.com).
        var settings = new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = $"https://127.0.0.1:{ClosedPort()}/",
            ["AzureAd:TenantId"] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            ["AzureAd:ClientId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd:ClientSecret"] = "not-a-real-secret",
            ["Filecheck:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}/",
            ["Filecheck:ApiKey"] = "sk_test_unreachable_0123456789",
            ["History:Sync:Enabled"] = "false",
            ["DataProtection:AllowUnencryptedKeys"] = "true",
            ["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-access-"),
        };
        await using var app = new DashboardApp("Production", settings);

        using var response = await app.NewClient().GetAsync("/");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Microsoft sign-in could not be reached", body);
        Assert.Contains("Nothing was changed", body);
        Assert.DoesNotContain("IDX", body);
        Assert.DoesNotContain("not-a-real-secret", body);
    }

    [Fact]
    public void IsUnreachable_OnlyForTheProvidersMetadataFailing()
    {
        var metadata = new InvalidOperationException("IDX20803: Unable to obtain configuration from: 'https://login.example/'.",
            new IOException("IDX20804: Unable to retrieve document from: 'https://login.example/'.", new HttpRequestException("refused")));

        Assert.True(SignInProvider.IsUnreachable(metadata));
        Assert.False(SignInProvider.IsUnreachable(new InvalidOperationException("Sequence contains no elements")));
        Assert.False(SignInProvider.IsUnreachable(new HttpRequestException("the Filecheck API refused the connection")));
        Assert.False(SignInProvider.IsUnreachable(null));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
