using Filecheck.Dashboard.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Filecheck.Dashboard.Sharing;

public partial class SharesPage
{
    private IReadOnlyList<ShareSummary>? _shares;
    private readonly Dictionary<long, IReadOnlyList<ShareAuditRecord>> _audit = [];
    private readonly HashSet<long> _open = [];
    private long? _roundFor;
    private string? _problem, _user, _userId;
    private IDisposable? _subscription;

    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    private bool AllShares => State.All;

    protected override async Task OnInitializedAsync()
    {
        var user = (await Auth).User;
        _user = UserKey.NameOf(user);
        // "My shares" by the stable ID: a namesake's links are not mine.
        _userId = UserKey.Of(user) ?? _user;
        if (RendererInfo.IsInteractive) _subscription ??= Notifier.SubscribeChanges(c => _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));
        // The scope lives in the address (AddressPage): listed at first, and again when it changes.
        await base.OnInitializedAsync();
    }

    protected override Task LoadViewAsync(CancellationToken ct) => LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct = default)
    {
        var shares = await Shares.ListAsync(createdById: AllShares ? null : _userId);
        // Another scope was asked for meanwhile: its own listing shows.
        if (ct.IsCancellationRequested) return;
        _shares = shares;
        foreach (var id in _audit.Keys.ToList()) _audit[id] = await Shares.AuditTrailAsync(id);
    }

    internal const string NotAllowed = "Nothing was changed: your session has ended or no longer allows sharing proofs. Sign in again.";

    private async Task RevokeAsync(ShareSummary share)
    {
        if ((_problem = await Guard.ShareRefusalAsync()) is not null) return;
        _problem = await Shares.RevokeAsync(share.Id, _user!);
        await LoadAsync();
    }

    private async Task ExtendAsync(ShareSummary share, int days)
    {
        if ((_problem = await Guard.ShareRefusalAsync()) is not null) return;
        _problem = await Shares.ExtendAsync(share.Id, days, _user!);
        await LoadAsync();
    }

    private async Task ToggleAuditAsync(long id)
    {
        if (!_audit.Remove(id)) _audit[id] = await Shares.AuditTrailAsync(id);
    }

    private void ToggleComments(long id)
    {
        if (!_open.Remove(id)) _open.Add(id);
    }

    private void ToggleRound(long id) => _roundFor = _roundFor == id ? null : id;

    private async Task RoundAddedAsync()
    {
        _roundFor = null;
        await LoadAsync();
    }

    private static Color ColorOf(ShareState state) => state switch
    {
        ShareState.Approved => Color.Success,
        ShareState.ChangesRequested => Color.Error,
        ShareState.Awaiting or ShareState.Open => Color.Info,
        _ => Color.Default,
    };

    protected override ValueTask DisposeViewAsync()
    {
        _subscription?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The one refusal of Sharing's actions, asked again at each click.</summary>
internal static class ShareRefusal
{
    public static Task<string?> ShareRefusalAsync(this AccessGuard guard) => guard.RefusalAsync(Policies.ShareProofs, SharesPage.NotAllowed);
}
