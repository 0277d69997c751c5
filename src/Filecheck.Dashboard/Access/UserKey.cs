using System.Security.Claims;

namespace Filecheck.Dashboard.Access;

/// <summary>
/// Who a signed-in user is, for audits and per-person limits: a stable ID (Entra's <c>oid</c>, else the token's
/// <c>sub</c>, else the name identifier), never the display name, which people share and change.
/// </summary>
public static class UserKey
{
    private const string ObjectIdUri = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <summary>The user's stable ID; the name only when the principal carries no ID at all; null for nobody.</summary>
    public static string? Of(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return null;
        return Claim(user, "oid") ?? Claim(user, ObjectIdUri) ?? Claim(user, "sub") ?? Claim(user, ClaimTypes.NameIdentifier)
            ?? user.Identity.Name;
    }

    /// <summary>The name a person reads beside the ID.</summary>
    public static string NameOf(ClaimsPrincipal? user) =>
        user?.Identity?.Name is { Length: > 0 } name ? name : Of(user) ?? "unknown";

    private static string? Claim(ClaimsPrincipal user, string type) =>
        user.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
}
