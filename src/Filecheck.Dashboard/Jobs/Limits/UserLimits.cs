using System.Globalization;
using System.Net;
using System.Security.Claims;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
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
/// Per-person limits: an endpoint filter on the proof, download and raw JSON endpoints, and the budget the lookup
/// service asks (lookups happen inside the circuit, not in a request of their own). Partitioned by
/// <see cref="UserKey"/>, fixed windows a minute long, counted in the store (<see cref="UserBudget"/>).
/// </summary>
public static class UserLimits
{
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

    /// <summary>The kind's budget a minute.</summary>
    internal static int PerMinute(UserLimitKind kind, UserLimitsOptions o) => kind switch
    {
        UserLimitKind.Lookups => o.LookupsPerMinute,
        UserLimitKind.Proofs => o.ProofsPerMinute,
        UserLimitKind.Downloads => o.DownloadsPerMinute,
        _ => o.RawJsonPerMinute,
    };

    /// <summary>An endpoint counted in the person's budget of <paramref name="kind"/> (a 429 page with Retry-After when spent).</summary>
    public static RouteHandlerBuilder CountedIn(this RouteHandlerBuilder endpoint, UserLimitKind kind) =>
        endpoint.AddEndpointFilter(new BudgetFilter(kind));

    private sealed class BudgetFilter(UserLimitKind kind) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var budget = http.RequestServices.GetRequiredService<UserBudget>();
            if (await budget.TryTakeAsync(kind, PartitionOf(http.User, http.Connection.RemoteIpAddress), http.RequestAborted) is not { } wait)
            {
                return await next(context);
            }
            http.Response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);
            var message = WebUtility.HtmlEncode(Message(kind, wait));
            return Results.Content(
                $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many requests</title></head><body><h1>Too many requests</h1><p>{message}</p></body></html>",
                "text/html; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests);
        }
    }
}

/// <summary>
/// The per-person budgets a minute (fixed windows on the minute). On PostgreSQL they are counted in the store
/// (<see cref="UserWindowStore"/>): two instances give a person the budget one gives. On SQLite (one instance) they are
/// counted in this process, so a lookup never waits for the store's one writer behind a long history write.
/// Asked by the lookup service and the endpoint filter.
/// </summary>
public sealed class UserBudget(IUserWindows store, IOptions<UserLimitsOptions> options, TimeProvider clock)
{
    private const long WindowMs = 60_000;

    private readonly IUserWindows _windows = store.CountsAcrossInstances ? store : new ProcessUserWindows();

    /// <summary>Null when the request may go ahead; otherwise how long until the person's next window.</summary>
    public async Task<TimeSpan?> TryTakeAsync(UserLimitKind kind, string partition, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % WindowMs;
        var key = kind.ToString().ToLowerInvariant() + ":" + partition;
        var taken = await _windows.TryTakeAsync(key, start, resetBefore: start, UserLimits.PerMinute(kind, options.Value), ct);
        return taken is null ? TimeSpan.FromMilliseconds(start + WindowMs - now) : null;
    }
}
