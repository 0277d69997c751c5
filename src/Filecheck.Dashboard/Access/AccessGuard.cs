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
/// It asks at the moment of the action: the policy, and the store, so that a session ended a second ago (by the user
/// elsewhere or by an admin, on any instance) changes nothing more, whenever the page was opened.
/// </summary>
public sealed class AccessGuard(AuthenticationStateProvider authenticationState, IAuthorizationService authorization, SessionStore sessions)
{
    public async Task<bool> IsAllowedAsync(string policy)
    {
        var user = (await authenticationState.GetAuthenticationStateAsync()).User;
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded && await sessions.IsValidAsync(user);
    }

    /// <summary>
    /// Asked again at the click (the page may have been opened before the session was ended or the role taken): null when
    /// the user may act now, else <paramref name="refusal"/>, for the page to show having changed nothing.
    /// </summary>
    public async Task<string?> RefusalAsync(string policy, string refusal) => await IsAllowedAsync(policy) ? null : refusal;

    /// <exception cref="AccessDeniedException">The signed-in user (or nobody) does not satisfy <paramref name="policy"/>.</exception>
    public async Task EnsureAllowedAsync(string policy)
    {
        if (!await IsAllowedAsync(policy))
        {
            throw new AccessDeniedException(policy);
        }
    }
}
