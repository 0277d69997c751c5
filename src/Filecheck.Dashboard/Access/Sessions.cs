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

