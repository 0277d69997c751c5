using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Filecheck.Dashboard.Access;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Limits;

/// <summary>What a person is limited on, each with its own budget a minute.</summary>
public enum UserLimitKind
{
    Lookups,
    Proofs,
    Downloads,
    RawJson,
}

/// <summary>
/// Per-person limits: rate limiter policies on the proof, download and raw JSON endpoints, and a limiter the lookup
/// service asks (lookups happen inside the circuit, not in a request of their own). Partitioned by
/// <see cref="UserKey"/>, fixed windows a minute long.
/// </summary>
public static class UserLimits
{
    public const string ProofsPolicy = "user-proofs";
    public const string DownloadsPolicy = "user-downloads";
    public const string RawJsonPolicy = "user-raw-json";

    /// <summary>The partition: the user's stable ID; the address for a request nobody signed in to (refused later anyway).</summary>
    internal static string PartitionOf(ClaimsPrincipal? user, IPAddress? address) =>
        UserKey.Of(user) is { } id ? "user:" + id : "address:" + (address?.ToString() ?? "unknown");

    /// <summary>"Too many downloads; try again in 12 s."</summary>
    public static string Message(UserLimitKind kind, TimeSpan retryAfter) =>
        $"Too many {Noun(kind)}; try again in {Seconds(retryAfter)} s.";

    internal static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static string Noun(UserLimitKind kind) => kind switch
    {
        UserLimitKind.Lookups => "lookups",
        UserLimitKind.Proofs => "proof images",
        UserLimitKind.Downloads => "downloads",
        UserLimitKind.RawJson => "raw JSON requests",
        _ => "requests",
    };

    internal static FixedWindowRateLimiterOptions Window(int perMinute) => new()
    {
        PermitLimit = perMinute,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };

    internal sealed class UserPolicy(UserLimitKind kind, int perMinute) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);
            response.ContentType = "text/html; charset=utf-8";
            var message = WebUtility.HtmlEncode(Message(kind, wait));
            await response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many requests</title></head><body><h1>Too many requests</h1><p>{message}</p></body></html>",
                ct);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetFixedWindowLimiter(PartitionOf(httpContext.User, httpContext.Connection.RemoteIpAddress), _ => Window(perMinute));
    }
}

/// <summary>The per-person lookup budget, asked by <see cref="JobLookupService"/> before anything else is done.</summary>
public sealed class LookupLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LookupLimiter(IOptions<UserLimitsOptions> options)
    {
        var perMinute = options.Value.LookupsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => UserLimits.Window(perMinute)));
    }

    /// <summary>Null when the lookup may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? TryTake(string userKey)
    {
        using var lease = _limiter.AttemptAcquire(userKey);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
