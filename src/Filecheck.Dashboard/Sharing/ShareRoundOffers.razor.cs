using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Sharing;

public partial class ShareRoundOffers
{
    private IReadOnlyList<RoundOffer> _offers = [];
    private string? _problem, _added, _loaded;
    private bool _busy;

    [Inject] private ShareLinkService Shares { get; set; } = default!;
    [Inject] private ShareRounds Rounds { get; set; } = default!;
    [Inject] private IJobReports Reports { get; set; } = default!;
    [Inject] private AccessGuard Guard { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? Auth { get; set; }

    [Parameter, EditorRequired] public string JobId { get; set; } = "";

    /// <summary>Whether the job has finished (null: not known). A running check cannot be added yet; the offers reload when it finishes.</summary>
    [Parameter] public bool? Finished { get; set; }

    /// <summary>After a round was added, so the owner reloads what it shows.</summary>
    [Parameter] public EventCallback Added { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        // Read again when the job finishes ("Check again" opens the new job while it runs): its report and the offers change.
        var key = JobId + "|" + Finished;
        if (!RendererInfo.IsInteractive || _loaded == key || Auth is null) return;
        _loaded = key;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var now = Clock.GetUtcNow();
        var shares = await Shares.ListAsync();
        // Most job pages have no open link at all: then the job is not read a second time.
        if (!RoundCandidates.AnyOpen(shares, now))
        {
            _offers = [];
            return;
        }
        var user = (await Auth!).User;
        if ((await Reports.GetAsync(JobId, user)).Report is not { } job) return;
        var orders = new Dictionary<string, string?>();
        foreach (var shared in RoundCandidates.JobsNeedingOrder(job, shares, now))
            orders[shared] = (await Reports.GetAsync(shared, user)).Report?.OrderId;
        _offers = RoundCandidates.For(job, shares, orders, now);
    }

    private async Task AddAsync(RoundOffer offer)
    {
        if (Auth is null) return;
        if ((_problem = await Guard.ShareRefusalAsync()) is not null) return;
        _busy = true;
        try
        {
            _problem = await Rounds.AddAsync(offer.ShareId, offer.Position, JobId, (await Auth).User);
            if (_problem is not null) return;
            _added = $"Added as round {offer.NextRound} of {offer.FileName ?? "the file"}: the customer sees it on the same link.";
            await LoadAsync();
            await Added.InvokeAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
