using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Filecheck.Dashboard.Access;

/// <summary>
/// A sign-in session: an id and a fixed end, stamped into the cookie's principal when it is issued, so that a circuit
/// (which sees no cookie after it starts) can tell when its session is over.
/// </summary>
public static class SessionClaims
{
    public const string SessionId = "filecheck_session";
    public const string ExpiresAt = "filecheck_session_expires";

    public static string? IdOf(ClaimsPrincipal user) => user.FindFirst(SessionId)?.Value;

    public static DateTimeOffset? ExpiryOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(ExpiresAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>Cookie event: give the new session its id and the end the cookie handler has just set.</summary>
    internal static void Stamp(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity) return;
        var expires = context.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow.Add(context.Options.ExpireTimeSpan);
        foreach (var old in identity.FindAll(c => c.Type is SessionId or ExpiresAt).ToList()) identity.RemoveClaim(old);
        identity.AddClaim(new Claim(SessionId, Guid.NewGuid().ToString("N")));
        identity.AddClaim(new Claim(ExpiresAt, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
    }
}

/// <summary>
/// Sessions that were signed out before their end. A copied cookie of a signed-out session is refused, and open circuits
/// of that session end at their next revalidation. Kept in memory: a restart forgets it, and the cookie's own end still holds.
/// </summary>
public sealed class SignedOutSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new();

    public void Revoke(ClaimsPrincipal user)
    {
        if (SessionClaims.IdOf(user) is not { } id) return;
        var now = time.GetUtcNow();
        _revoked[id] = SessionClaims.ExpiryOf(user) ?? now.AddDays(1);
        foreach (var (old, end) in _revoked)
        {
            if (end < now) _revoked.TryRemove(old, out _);
        }
    }

    public bool IsRevoked(ClaimsPrincipal user) => SessionClaims.IdOf(user) is { } id && _revoked.ContainsKey(id);

    /// <summary>A session is valid while signed in, not past its end, and not signed out.</summary>
    public bool IsValid(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
        && SessionClaims.ExpiryOf(user) is { } expires
        && time.GetUtcNow() < expires
        && !IsRevoked(user);
}
