using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// The innermost handler of every HttpClient of the test host: notes each request sent with the key, and keeps the
/// signatures of the presigned URLs in every JSON answer, so the sweep knows exactly which signatures to search for.
/// </summary>
public sealed class UpstreamRecorder(LeakEvidence evidence) : DelegatingHandler
{
    public static void AddTo(IServiceCollection services, LeakEvidence evidence) =>
        services.ConfigureAll<HttpClientFactoryOptions>(o =>
            o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new UpstreamRecorder(evidence))));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization?.Parameter == evidence.Key) Interlocked.Increment(ref evidence.KeyedUpstreamRequests);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            evidence.AddSignaturesFrom(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        return response;
    }
}
