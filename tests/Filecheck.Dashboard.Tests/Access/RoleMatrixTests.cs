using System.Net;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Filecheck.Dashboard.Tests.Access;

/// <summary>
/// Every endpoint the running app maps in production, tried anonymously and as a user of each role (signed in through
/// the test host's own scheme, with the demo users' roles), against the table below. A new page or endpoint without a
/// row fails here, so nobody ships a route without deciding who may use it.
/// </summary>
public sealed class RoleMatrixTests(ProductionAppFixture app, ITestOutputHelper output) : IClassFixture<ProductionAppFixture>
{
    private const string Anonymous = "anonymous";
    private static readonly string[] Users = ["staff", "manager", "cs", "admin", "norole"];

    private static readonly string[] Public = [Anonymous, .. Users];
    private static readonly string[] SignedIn = Users;
    private static readonly string[] LookUpJobs = ["staff", "manager", "cs", "admin"];
    private static readonly string[] ViewTrends = ["manager", "admin"];
    private static readonly string[] ShareProofs = ["cs", "admin"];
    private static readonly string[] Administer = ["admin"];
    private static readonly string[] RunChecks = ["staff", "admin"];

    /// <summary>Who gets through each endpoint: "METHOD /pattern" → the callers that are not challenged nor refused.</summary>
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["GET /"] = LookUpJobs,
        ["POST /"] = LookUpJobs,
        ["GET /jobs/{Id}"] = LookUpJobs,
        ["POST /jobs/{Id}"] = LookUpJobs,
        ["GET /account/signin"] = Public,
        ["POST /account/signin"] = Public,
        ["GET /account/denied"] = Public,
        ["POST /account/denied"] = Public,
        ["POST /account/signout"] = SignedIn,
        ["GET /error"] = Public,
        ["POST /error"] = Public,
        ["GET /not-found"] = Public,
        ["POST /not-found"] = Public,
        ["ANY /healthz"] = Public,
        ["ANY /readyz"] = Public,
        ["GET /search"] = LookUpJobs,
        ["GET /checks/new"] = RunChecks,
        ["POST /checks/new"] = RunChecks,
        ["POST /checks/uploads"] = RunChecks,
        ["GET /admin/sync"] = Administer,
        ["POST /admin/sync"] = Administer,
        ["GET /admin/rollups"] = Administer,
        ["POST /admin/rollups"] = Administer,
        // Who is signed in, and signing them out: admins only.
        ["GET /admin/sessions"] = Administer,
        ["POST /admin/sessions"] = Administer,
        ["GET /trends"] = ViewTrends,
        ["POST /trends"] = ViewTrends,
        ["GET /trends/outcomes.csv"] = ViewTrends,
        ["GET /trends/durations.csv"] = ViewTrends,
        ["GET /trends/waits.csv"] = ViewTrends,
        ["GET /trends/reasons.csv"] = ViewTrends,
        ["GET /trends/breakdowns.csv"] = ViewTrends,
        // The trends' drill-down, and the jobs list staff will grow from it.
        ["GET /jobs"] = LookUpJobs,
        ["POST /jobs"] = LookUpJobs,
        ["GET /jobs/{id}/files/{taskId}/proofs/{index:int}"] = LookUpJobs,
        ["GET /jobs/{id}/files/{taskId}/download"] = LookUpJobs,
        ["GET /jobs/{id}/raw.json"] = LookUpJobs,
        // Filecheck's webhook cannot sign in: it proves itself with a shared secret header, checked by the intake.
        ["POST /webhooks/filecheck"] = Public,
        ["GET /shares"] = ShareProofs,
        ["POST /shares"] = ShareProofs,
        // The customer's link needs no sign-in: the token is the key; unknown, expired and revoked ones get one 404.
        ["GET /s/{Token}"] = Public,
        ["POST /s/{Token}"] = Public,
        ["GET /s/{token}/files/{file:int}/proofs/{index:int}"] = Public,
        ["GET /s/{token}/files/{file:int}/download"] = Public,
        ["POST /s/{token}/decide"] = Public,
        ["GET /s/{token}/files/{file:int}/rounds/{round:int}/proofs/{index:int}"] = Public,
        ["POST /s/{token}/comments"] = Public,
        ["POST /s/{token}/files/{file:int}/corrected"] = Public,
        ["GET /s/{token}/files/{file:int}/corrected"] = Public,
        // Blazor's own endpoints: any signed-in user may open a circuit; each page checks its own policy inside it.
        ["ANY /_blazor/negotiate"] = SignedIn,
        ["ANY /_blazor"] = SignedIn,
        ["ANY /_blazor/disconnect/"] = SignedIn,
        ["ANY /_blazor/initializers/"] = SignedIn,
        ["GET /_framework/opaque-redirect"] = SignedIn,
    };

    private static readonly Dictionary<string, string> SampleValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Id"] = WellKnownJobs.Passing,
        ["index"] = "0",
        ["file"] = "1",
        ["round"] = "1",
    };

    [Fact]
    public async Task EveryEndpoint_AnonymousAndEachRole_MatchesTheExpectedTable()
    {
        var endpoints = EnumerateEndpoints();
        foreach (var (key, url) in endpoints) output.WriteLine($"{key} → {url}");

        var unlisted = endpoints.Keys.Where(k => !Expected.ContainsKey(k)).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints with no row in the role matrix (decide who may use them): " + string.Join(", ", unlisted));
        var stale = Expected.Keys.Where(k => !endpoints.ContainsKey(k)).ToList();
        Assert.True(stale.Count == 0, "Rows for endpoints the app no longer maps: " + string.Join(", ", stale));

        var clients = new Dictionary<string, HttpClient> { [Anonymous] = app.NewClient() };
        foreach (var user in Users) clients[user] = await app.SignedInClientAsync(user);

        var mismatches = new List<string>();
        foreach (var (key, url) in endpoints)
        {
            var method = key[..key.IndexOf(' ')] is "ANY" ? "GET" : key[..key.IndexOf(' ')];
            foreach (var (caller, client) in clients)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method == "POST") request.Content = new FormUrlEncodedContent([]);
                using var response = await client.SendAsync(request);
                var outcome = Classify(response, url);
                var expected = Expected[key].Contains(caller) ? "allowed" : caller == Anonymous ? "challenged" : "refused";
                output.WriteLine($"{key} as {caller}: {(int)response.StatusCode} → {outcome}");
                if (outcome != expected || (int)response.StatusCode >= 500)
                {
                    mismatches.Add($"{key} as {caller}: expected {expected}, got {outcome} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public void EveryEndpoint_DeclaresItsOwnAuthorization()
    {
        // The fallback policy is a safety net, not a decision: each page and endpoint of ours says who may use it.
        // Blazor's own circuit endpoints are the exception; they are covered by the fallback and the matrix.
        var undeclared = Endpoints()
            .Where(e => !e.RoutePattern.RawText!.TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal)
                && e.RoutePattern.RawText != "/_framework/opaque-redirect")
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null
                && !e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any())
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.Empty(undeclared);
    }

    [Theory]
    [InlineData("/app.css")]
    [InlineData("/favicon.svg")]
    public async Task StaticAsset_Anonymous_IsServed(string path)
    {
        var response = await app.NewClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SignOut_WithoutTheFormToken_IsRefusedAndTheSessionGoesOn()
    {
        var client = await app.SignedInClientAsync("staff");

        var forged = await client.PostAsync("/account/signout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithTheFormToken_EndsTheSessionEvenForACopiedCookie()
    {
        var jar = new CookieContainer();
        var client = await app.SignedInClientAsync("staff", jar);
        var home = await client.GetStringAsync("/");
        var copied = new CookieContainer();
        copied.Add(jar.GetAllCookies());

        var signOut = await client.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = DashboardApp.FormToken(home),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        var afterwards = await client.GetAsync("/");
        Assert.True(ProductionApp.IsChallenge(afterwards), $"{(int)afterwards.StatusCode} {afterwards.Headers.Location}");
        // Whoever kept a copy of the cookie from before the sign-out is turned away as well.
        var replayed = await app.NewClient(copied).GetAsync("/");
        Assert.True(ProductionApp.IsChallenge(replayed), $"{(int)replayed.StatusCode} {replayed.Headers.Location}");
    }

    private static string Classify(HttpResponseMessage response, string url)
    {
        var location = response.Headers.Location?.ToString() ?? "";
        // Microsoft sign-in's challenge sends the browser to the identity provider; for the sign-in endpoint itself that
        // redirect is its answer to everyone, which is what it is for.
        if (ProductionApp.IsChallenge(response)) return url.StartsWith(Dashboard.Access.AccessEndpoints.SignInPath, StringComparison.Ordinal) ? "allowed" : "challenged";
        // The cookie challenge: a redirect to sign in, or for API-like endpoints (SignalR) a 401 that points there.
        // A bare 401 is an endpoint's own check (the webhook's secret), not the sign-in challenge.
        if ((IsRedirect(response) || response.StatusCode == HttpStatusCode.Unauthorized) && location.Contains("/account/signin")) return "challenged";
        if ((response.StatusCode == HttpStatusCode.Forbidden && !url.StartsWith("/account/denied"))
            || (IsRedirect(response) && location.Contains("/account/denied"))) return "refused";
        return "allowed";
    }

    private static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode is >= 300 and < 400;

    private IEnumerable<RouteEndpoint> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // MapStaticAssets' files: public by design; one of each kind is fetched above.
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null && !IsStaticFileFallback(e));

    /// <summary>In Development, MapStaticAssets adds a catch-all for files it has no descriptor for yet.</summary>
    private static bool IsStaticFileFallback(RouteEndpoint e) => e.RoutePattern.RawText == "{**path:file}";

    /// <summary>"METHOD /pattern" → a URL with every route parameter filled in.</summary>
    private Dictionary<string, string> EnumerateEndpoints()
    {
        var result = new Dictionary<string, string>();
        foreach (var endpoint in Endpoints())
        {
            var pattern = endpoint.RoutePattern;
            var url = "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternParameterPart parameter => SampleValues.GetValueOrDefault(parameter.Name, "sample"),
                RoutePatternSeparatorPart separator => separator.Content,
                _ => "",
            }))));
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            foreach (var method in methods)
            {
                result["" + method + " /" + pattern.RawText!.TrimStart('/')] = url;
            }
        }
        return result;
    }
}
