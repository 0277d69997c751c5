using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Access;

/// <summary>
/// A circuit keeps the user it started with for as long as the tab is open; this re-checks it every
/// <see cref="AccessOptions.RevalidationInterval"/> and signs the circuit out once the session has ended or was signed
/// out elsewhere. The router then sends the browser to sign in again.
/// </summary>
public sealed class SessionRevalidator(ILoggerFactory loggerFactory, IOptions<AccessOptions> settings, SignedOutSessions sessions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => settings.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(sessions.IsValid(authenticationState.User));
}
