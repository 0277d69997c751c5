using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Filecheck.Dashboard.Access;

public partial class SessionsAdminPage
{
    private IReadOnlyList<SessionRecord>? _sessions;
    private string? _problem, _done, _mine;

    [Inject] private AccessOptions Settings { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _mine = SessionClaims.IdOf((await Auth).User);
        await LoadAsync();
    }

    private async Task LoadAsync() => _sessions = await Sessions.OpenAsync();

    private async Task EndSessionAsync(SessionRecord session)
    {
        if (await AdminNameAsync() is not { } admin) return;
        var ended = await Sessions.EndSessionAsync(session.Id, admin);
        _done = ended ? $"{session.UserName}'s session was signed out." : $"{session.UserName}'s session had already ended.";
        await LoadAsync();
    }

    private async Task EndUserAsync(SessionRecord session)
    {
        if (await AdminNameAsync() is not { } admin) return;
        var count = await Sessions.EndUserAsync(session.UserId, admin);
        _done = $"{session.UserName} was signed out of {count} {(count == 1 ? "session" : "sessions")}.";
        await LoadAsync();
    }

    /// <summary>The admin, asked again at the click (a circuit can outlive a role or a session); null when refused.</summary>
    private async Task<string?> AdminNameAsync()
    {
        _problem = _done = null;
        if (await Guard.IsAllowedAsync(Policies.Administer)) return UserKey.NameOf((await Auth).User);
        _problem = "Nothing was changed: your session has ended or no longer allows administering. Sign in again.";
        return null;
    }

    private static string RolesOf(SessionRecord session) =>
        session.Roles.Length == 0 ? "none" : string.Join(", ", session.Roles.Split(',').Select(Roles.Describe));
}
