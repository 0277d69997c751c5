using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Access;

/// <summary>
/// A circuit keeps the user it started with for as long as the tab is open; this re-checks it every
/// <see cref="AccessOptions.RevalidationInterval"/> against the store and signs the circuit out once the session has
/// ended or was signed out elsewhere. A sign-out on this instance (the user's own, or an admin's) signs its circuits out
/// at once. The router then sends the browser to sign in again.
/// </summary>
public sealed class SessionRevalidator : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState SignedOut = new(new ClaimsPrincipal(new ClaimsIdentity()));
    private readonly IOptions<AccessOptions> _settings;
    private readonly SessionStore _sessions;

    public SessionRevalidator(ILoggerFactory loggerFactory, IOptions<AccessOptions> settings, SessionStore sessions) : base(loggerFactory)
    {
        _settings = settings;
        _sessions = sessions;
        _sessions.Ended += OnEnded;
    }

    protected override TimeSpan RevalidationInterval => _settings.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        _sessions.IsValidAsync(authenticationState.User, cancellationToken);

    private void OnEnded(SessionEnded ended) => _ = SignOutIfEndedAsync(ended);

    private async Task SignOutIfEndedAsync(SessionEnded ended)
    {
        var user = (await GetAuthenticationStateAsync()).User;
        if (user.Identity?.IsAuthenticated != true) return;
        var mine = (ended.SessionId is not null && ended.SessionId == SessionClaims.IdOf(user))
            || (ended.UserId is not null && ended.UserId == UserKey.Of(user));
        if (mine) SetAuthenticationState(Task.FromResult(SignedOut));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sessions.Ended -= OnEnded;
        base.Dispose(disposing);
    }
}
