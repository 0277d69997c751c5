using Filecheck.Api.Models;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace Filecheck.Dashboard.Sharing;

public partial class ShareDialog
{
    private ShareDraft? _draft;
    private CreatedShare? _created;
    private string? _link, _message, _problem;
    private bool _busy, _copied;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    [Parameter] public IReadOnlyList<string> JobIds { get; set; } = [];
    [Parameter] public string? OrderId { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var jobs = new List<(string, RunsResponse)>();
        foreach (var jobId in JobIds)
        {
            if (!Filecheck.Api.JobId.TryParse(jobId, out var id, out var error))
            {
                _problem = error;
                return;
            }
            var result = await Runs.GetAsync(id, fresh: true);
            if (!result.IsSuccess)
            {
                _problem = $"The files of {jobId} cannot be listed: {JobProblem.From(result.Failure).Detail}";
                return;
            }
            jobs.Add((jobId, result.Value));
        }
        _draft = new ShareDraft(jobs, Options.Value.MaxExpiryDays, OrderId);
    }

    private async Task CreateAsync()
    {
        if (_draft is null) return;
        _busy = true;
        _problem = await Guard.ShareRefusalAsync();
        if (_problem is not null)
        {
            _busy = false;
            return;
        }
        var user = (await Auth).User;
        var result = await Shares.CreateAsync(_draft.ToRequest(), UserKey.NameOf(user), UserKey.Of(user));
        _busy = false;
        if (result.Share is not { } share)
        {
            _problem = result.Error;
            return;
        }
        _created = share;
        _link = Navigation.ToAbsoluteUri(ShareUrls.Page(share.Token)).AbsoluteUri;
        _message = _draft.Message(_link, share.ExpiresAt);
    }

    private async Task CopyAsync(string text)
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", text);
            _copied = true;
        }
        catch (JSException)
        {
            _problem = "The browser did not allow copying: select the link and copy it yourself.";
        }
    }
}
