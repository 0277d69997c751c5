using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Filecheck.Api;

/// <summary>Adds the secret key (server side only) and the standard headers to every Filecheck request.</summary>
public sealed class ApiKeyHandler(IOptionsMonitor<FilecheckOptions> options) : DelegatingHandler
{
    public const string UserAgent = "filecheck-dashboard/1.0";

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = options.CurrentValue.ApiKey;
        if (!string.IsNullOrWhiteSpace(key))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        }

        if (!request.Headers.Accept.Contains(Json))
        {
            request.Headers.Accept.Add(Json);
        }

        if (request.Headers.UserAgent.Count == 0)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
