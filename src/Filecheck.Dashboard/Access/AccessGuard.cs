using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Filecheck.Dashboard.Access;

/// <summary>The user may not do what a handler was asked to do; the page's own check was bypassed or went stale.</summary>
public sealed class AccessDeniedException(string policy)
    : UnauthorizedAccessException($"This needs the '{policy}' permission, which your account does not have.")
{
    public string Policy { get; } = policy;
}

/// <summary>
/// Checks a policy inside a circuit, where no HTTP request passes the authorization middleware: an event handler that
/// does something privileged calls <see cref="EnsureAllowedAsync"/> first, so a hidden button is never the only guard.
/// </summary>
public sealed class AccessGuard(AuthenticationStateProvider authenticationState, IAuthorizationService authorization)
{
    public async Task<bool> IsAllowedAsync(string policy)
    {
        var state = await authenticationState.GetAuthenticationStateAsync();
        return (await authorization.AuthorizeAsync(state.User, policy)).Succeeded;
    }

    /// <exception cref="AccessDeniedException">The signed-in user (or nobody) does not satisfy <paramref name="policy"/>.</exception>
    public async Task EnsureAllowedAsync(string policy)
    {
        if (!await IsAllowedAsync(policy))
        {
            throw new AccessDeniedException(policy);
        }
    }
}
