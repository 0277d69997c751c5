namespace Filecheck.Dashboard.Access;

/// <summary>Telling apart a sign-in that failed because Microsoft's identity provider could not be reached.</summary>
public static class SignInProvider
{
    /// <summary>
    /// True when <paramref name="error"/> is the OpenID Connect handler failing to fetch the provider's metadata (the
    /// provider down, unreachable from this network, or a wrong <c>AzureAd:Instance</c>): IdentityModel's IDX20803
    /// ("unable to obtain configuration") or IDX20804 ("unable to retrieve document") anywhere in the chain.
    /// </summary>
    public static bool IsUnreachable(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e.Message.StartsWith("IDX20803:", StringComparison.Ordinal) || e.Message.StartsWith("IDX20804:", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
