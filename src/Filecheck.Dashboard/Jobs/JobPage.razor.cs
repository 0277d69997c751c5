using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Jobs.Live;
using Filecheck.Dashboard.Jobs.Timeline;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Filecheck.Dashboard.Jobs;

public partial class JobPage
{
    private JobLiveView _live = default!;
    private string? _loadedId;
    private DotNetObjectReference<JobPage>? _self;

    [Inject] private JobLookupService Lookup { get; set; } = default!;
    [Inject] private JobWatcher Watcher { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Parameter] public string Id { get; set; } = "";

    private DateTimeOffset Now => Clock.GetUtcNow();

    protected override void OnInitialized() =>
        _live = new JobLiveView(Lookup, Watcher, Clock, change => InvokeAsync(() =>
        {
            change();
            StateHasChanged();
        }));

    private int ActiveTab
    {
        get => Math.Max(0, JobTabs.All.ToList().IndexOf(JobTabs.Normalize(State.Tab)));
        set
        {
            var tab = JobTabs.All[Math.Clamp(value, 0, JobTabs.All.Count - 1)];
            if (tab != JobTabs.Normalize(State.Tab)) Go(State with { Tab = tab });
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        // Another job's address (a new route parameter) is read here; a new query string by AddressPage.
        ReadAddress();
        // Loaded once the circuit is interactive: a prerender would ask Filecheck (and audit) a second time.
        if (!RendererInfo.IsInteractive || _loadedId == Id) return;
        _loadedId = Id;
        await _live.OpenAsync(Id);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!RendererInfo.IsInteractive) return;
        if (_self is null)
        {
            _self = DotNetObjectReference.Create(this);
            await JS.InvokeVoidAsync("fcShortcuts.register", _self);
        }
        // Live updates only once interactive: a prerender has no circuit to push to.
        _live.Watch();
    }

    /// <summary>What the page derives from a job, computed once per job version (see <see cref="JobDerived"/>).</summary>
    private readonly JobDerived _derived = new();

    private JobTimeline Timeline(Job job)
    {
        if (State.ZoomFile is { } zoomFile) return JobTimeline.Build(job, Now, zoomToTaskId: zoomFile);
        if (State.From is null && State.To is null) return JobTimeline.Build(job, Now, zoom: null);
        var whole = JobTimeline.Build(job, Now, zoom: null);
        var from = whole.JobStart + TimeSpan.FromSeconds(State.From ?? 0);
        var to = State.To is { } t ? whole.JobStart + TimeSpan.FromSeconds(t) : whole.JobEnd;
        return to > from ? JobTimeline.Build(job, Now, zoom: new TimelineRange(from, to)) : whole;
    }

    private string ZoomDescription(Job job) => State.ZoomFile is { } file
        ? job.Tasks?.FirstOrDefault(t => t.Id == file)?.DisplayName ?? file
        : $"{State.From ?? 0:0.#} s to {(State.To is { } to ? $"{to:0.#} s" : "the end")}";

    private JobTask? SelectedTask(Job job) => State.File is { } file ? job.Tasks?.FirstOrDefault(t => t.Id == file) : null;

    private Step? SelectedStep(JobTask task) => State.Step is { } step ? task.Steps?.FirstOrDefault(s => s.Id == step) : null;

    private void Go(JobViewState state, bool replace = false) =>
        Navigation.NavigateTo(Urls.Job(Id, state), replace: replace);

    private void OnSelect((string TaskId, string? StepId) selection) =>
        Go(State with { File = selection.TaskId, Step = selection.StepId });

    private void ResetZoom() => Go(State with { ZoomFile = null, From = null, To = null });

    private void CloseStep() => Go(State with { Step = null });

    private void CloseFile() => Go(State with { File = null, Step = null });

    /// <summary>Called by the page's keyboard shortcuts (wwwroot/js/shortcuts.js).</summary>
    [JSInvokable]
    public Task OnShortcut(string key) => InvokeAsync(() =>
    {
        if (_live.Load?.View?.Job is not { } job) return;
        switch (key)
        {
            case "Escape":
                if (State.Step is not null) CloseStep();
                else if (State.File is not null) CloseFile();
                break;
            case "j" or "k":
                var order = FileOrder(job);
                if (order.Count == 0) return;
                var index = State.File is { } current ? order.IndexOf(current) : -1;
                var next = key == "j" ? Math.Min(order.Count - 1, index + 1) : Math.Max(0, index < 0 ? 0 : index - 1);
                Go(State with { File = order[next], Step = null }, replace: true);
                break;
        }
    });

    /// <summary>Files in the order the current tab shows them.</summary>
    private List<string> FileOrder(Job job) => State.Tab == JobTabs.Files
        ? FileRows.Query(job.Tasks ?? [], State.Filter, State.Outcome, State.Sort, State.Desc).Select(r => r.TaskId).ToList()
        : (job.Tasks ?? []).Select(t => t.Id).ToList();

    private void TogglePause() => _live.TogglePause();

    // A live job is watched again after the next render (OnAfterRenderAsync).
    private Task ReloadAsync() => _live.ReloadAsync();

    private static Severity SeverityFor(JobProblemKind kind) => kind switch
    {
        JobProblemKind.InvalidId => Severity.Warning,
        JobProblemKind.NotFound => Severity.Info,
        JobProblemKind.TooManyRequests => Severity.Warning,
        _ => Severity.Error,
    };

    protected override async ValueTask DisposeViewAsync()
    {
        _live.Dispose();
        if (_self is not null)
        {
            try
            {
                await JS.InvokeVoidAsync("fcShortcuts.unregister", _self);
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the page's registration.
            }
            finally
            {
                _self.Dispose();
            }
        }
    }
}
