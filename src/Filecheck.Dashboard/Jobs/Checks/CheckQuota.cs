using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>The user a limit or an audit line is about: the token's stable ID, never the display name.</summary>
public static class UserKey
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirst("oid")?.Value
        ?? user.FindFirst("http://schemas.microsoft.com/identity/claims/objectidentifier")?.Value
        ?? user.FindFirst("sub")?.Value
        ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
        ?? user.Identity?.Name
        ?? "unknown";
}

/// <summary>
/// At most <see cref="CheckOptions.PerUserPerHour"/> checks per person in any rolling hour. In memory: a restart
/// forgets, which errs on the side of letting people work.
/// </summary>
public sealed class CheckQuota(IOptions<CheckOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _recent = new();

    /// <summary>Takes one check from the user's hour; when none is left, says when the next one is free.</summary>
    public bool TryTake(string userKey, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        var queue = _recent.GetOrAdd(userKey, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= TimeSpan.FromHours(1)) queue.Dequeue();
            if (queue.Count >= options.Value.PerUserPerHour)
            {
                retryAfter = queue.Peek() + TimeSpan.FromHours(1) - now;
                return false;
            }
            queue.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
