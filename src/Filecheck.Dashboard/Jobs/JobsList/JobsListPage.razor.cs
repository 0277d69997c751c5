using Filecheck.Api;
using Filecheck.Dashboard.Shell;
using Microsoft.AspNetCore.Components;

namespace Filecheck.Dashboard.Jobs.JobsList;

public partial class JobsListPage
{
    private JobsListResult? _page;
    private JobsListChoices _choices = new([], [], []);
    private Dictionary<string, string?> _names = new();
    private FilecheckFailure? _namesFailure;
    private RetryLoop? _namesRetry;
    private Draft _draft = new();
    private string? _draftProblem;

    [Inject] private IJobsList Query { get; set; } = default!;
    [Inject] private LibraryNames Names { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    // The whole view lives in the address (AddressPage): loaded from it at first, and again whenever its query string changes.
    protected override async Task LoadViewAsync(CancellationToken ct)
    {
        _draft = Draft.Of(State);
        _draftProblem = null;
        var choices = await Query.ChoicesAsync(ct);
        var page = await Query.LoadAsync(State, ct);
        // A newer address has taken over: this answer is out of date.
        if (ct.IsCancellationRequested) return;
        _choices = choices;
        _page = page;
        await LoadNamesAsync();
        _namesFailure = Names.Failure;
        // The list is the history's and complete; the names come when Filecheck answers again, without a reload.
        if (_namesFailure is not null && RendererInfo.IsInteractive)
        {
            _namesRetry ??= new RetryLoop(Clock);
            _namesRetry.Start(RecoverNamesAsync, _namesFailure.RetryAfter);
        }
    }

    private async Task LoadNamesAsync()
    {
        foreach (var id in _page!.Rows.Select(r => r.WorkflowId).Concat(_choices.Workflows).OfType<string>().Distinct())
        {
            if (_names.GetValueOrDefault(id) is null) _names[id] = await Names.WorkflowAsync(id);
        }
        foreach (var id in _page.Rows.Select(r => r.RuleId).OfType<string>().Distinct()) _names["rule:" + id] = await Names.RuleAsync(id);
    }

    private async Task<RetryAnswer> RecoverNamesAsync(CancellationToken ct)
    {
        if (!await Names.RetryAsync(ct)) return RetryAnswer.NotYet(Names.Failure?.RetryAfter);
        await InvokeAsync(async () =>
        {
            await LoadNamesAsync();
            _namesFailure = Names.Failure;
            StateHasChanged();
        });
        return RetryAnswer.Succeeded;
    }

    protected override ValueTask DisposeViewAsync()
    {
        _namesRetry?.Dispose();
        return ValueTask.CompletedTask;
    }

    private string WorkflowName(string? id) => id is null ? "—" : _names.GetValueOrDefault(id) ?? id;

    private void Apply()
    {
        var next = _draft.ToState(State);
        // A typed filter that could never match is said here and changes nothing.
        var bad = new[] { ("search", next.Search), ("file name", next.FileName), ("order ID", next.OrderId), ("customer ID", next.CustomerId), ("email", next.Email) }
            .FirstOrDefault(f => f.Item2 is { } v && (v.Length > JobsListState.MaxTextLength || v.Any(char.IsControl)));
        if (bad.Item2 is not null)
        {
            _draftProblem = $"The {bad.Item1} is too long or holds hidden characters. Type or paste just the value.";
            return;
        }
        Navigation.NavigateTo(Urls.JobsList(next));
    }

    private string SortUrl(string sort) =>
        Urls.JobsList(State with { Sort = sort, Desc = State.Sort == sort ? !State.Desc : true, Page = 1, After = null, Before = null });

    private string Arrow(string sort) => State.Sort != sort ? "" : State.Desc ? " ↓" : " ↑";

    private static string DaysText(Draft d) => d.From is { } f && d.To is { } t ? $"{f:yyyy-MM-dd} to {t:yyyy-MM-dd} (from the link)" : "days from the link";

    private string Describe(JobsListState s, DateOnly? firstDay)
    {
        var parts = new List<string>();
        if (s.Search is { } q) parts.Add($"order, customer or email “{q}”");
        if (s.Finished) parts.Add("finished");
        if (s.Status is { } st) parts.Add("status " + st);
        if (s.Outcome is { } o) parts.Add(OutcomeGroup.Label(o));
        if (s.HasDays)
        {
            if (s.From is { } f && s.To is { } t) parts.Add($"created {f:yyyy-MM-dd} to {t:yyyy-MM-dd}");
            else if (s.From is { } f2) parts.Add($"created from {f2:yyyy-MM-dd}");
            else if (s.To is { } t2) parts.Add($"created up to {t2:yyyy-MM-dd}");
        }
        else if (firstDay is { } first) parts.Add($"created in the {JobsListRange.Label(s.EffectiveRange).ToLowerInvariant()} (since {first:yyyy-MM-dd})");
        if (s.Channel is { } c) parts.Add("channel " + c);
        if (s.Workflow is { } w) parts.Add("workflow " + WorkflowName(w));
        if (s.Rule is { } r) parts.Add("rule " + r);
        if (s.FileType is { } ft) parts.Add("file type " + ft);
        if (s.FileName is { } fn) parts.Add($"a file named like “{fn}”");
        if (s.OrderId is { } order) parts.Add("order " + order);
        if (s.CustomerId is { } customer) parts.Add("customer " + customer);
        if (s.Email is { } email) parts.Add("email " + email);
        if (s.Reason is { } reason) parts.Add($"reason “{reason}”");
        var order2 = s.Sort == JobsListSort.Created && s.Desc ? (s.Search is null ? "newest first" : "whole matches first, then newest") : null;
        return (parts.Count == 0 ? "Every job" : "Jobs: " + string.Join(", ", parts)) + (order2 is null ? "." : $", {order2}.");
    }

    /// <summary>What the form edits before "Show jobs": the typed filters; the rest of the state is kept.</summary>
    private sealed class Draft
    {
        public string? Search { get; set; }
        public string? Range { get; set; }
        public DateOnly? From { get; set; }
        public DateOnly? To { get; set; }
        public string? Status { get; set; }
        public string? Outcome { get; set; }
        public string? Workflow { get; set; }
        public string? Channel { get; set; }
        public string? FileName { get; set; }
        public string? OrderId { get; set; }
        public string? CustomerId { get; set; }
        public string? Email { get; set; }
        public bool HasDays => From is not null || To is not null;
        private string? _shown;
        private bool _chosen;

        public static Draft Of(JobsListState s) => new()
        {
            _shown = s.EffectiveRange, _chosen = s.Range is not null,
            Search = s.Search, Range = s.EffectiveRange, From = s.From, To = s.To, Status = s.Status, Outcome = s.Outcome,
            Workflow = s.Workflow, Channel = s.Channel, FileName = s.FileName, OrderId = s.OrderId, CustomerId = s.CustomerId, Email = s.Email,
        };

        public JobsListState ToState(JobsListState current)
        {
            static string? Clean(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
            var next = current with
            {
                Search = Clean(Search), Status = Clean(Status), Outcome = Clean(Outcome), Workflow = Clean(Workflow), Channel = Clean(Channel),
                FileName = Clean(FileName), OrderId = Clean(OrderId), CustomerId = Clean(CustomerId), Email = Clean(Email), Page = 1, After = null, Before = null,
            };
            // A preset nobody picked stays a default (so a search looks over all time); a picked one is written only
            // when it differs from what the filters would default to, so links stay short.
            if (!_chosen && Range == _shown) return next with { Range = null };
            var defaulted = (next with { Range = null }).EffectiveRange;
            return next with { Range = Range == defaulted ? null : Range };
        }
    }
}
