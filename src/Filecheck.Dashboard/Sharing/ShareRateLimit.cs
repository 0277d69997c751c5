using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Per client address (the connection's, or the forwarded one once ForwardedHeaders trusts a proxy), a fixed window a
/// minute long, generous enough for a page of 50 proofs reloaded a few times; a plain 429 page beyond it.
/// </summary>
internal sealed class ShareRateLimitPolicy(IOptions<SharingOptions> options) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } =
        async (context, ct) => await SharePublicResponses.WriteTooManyAsync(context.HttpContext, ct);

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
