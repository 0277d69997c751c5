using Filecheck.Api;
using Filecheck.Dashboard.Jobs.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Filecheck.Dashboard.Jobs;

public partial class JobPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private JobLoad? _load;
    private string? _loadedId;
    private IDisposable? _subscription;
    private ITimer? _ticker;
    private bool _paused;
    private string? _liveProblem;

    [Inject] private JobLookupService Lookup { get; set; } = default!;
    [Inject] private JobWatcher Watcher { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Parameter] public string Id { get; set; } = "";
    [SupplyParameterFromQuery(Name = "file")] public string? File { get; set; }
    [SupplyParameterFromQuery(Name = "step")] public string? Step { get; set; }

    private DateTimeOffset Now => Clock.GetUtcNow();
    private bool IsLive => _load?.View is { Job.IsTerminal: false };

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        StopWatching();
        _load = null;
        _load = await Lookup.LoadAsync(Id, _cts.Token);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Live updates only once interactive: a prerender has no circuit to push to.
        if (RendererInfo.IsInteractive && IsLive && !_paused && _subscription is null) StartWatching();
    }

    private void StartWatching()
    {
        if (!JobId.TryParse(Id, out var id, out _)) return;
        _subscription = Watcher.Subscribe(id, OnUpdateAsync);
        // The "running for" clock ticks between polls.
        _ticker ??= Clock.CreateTimer(_ => InvokeAsync(StateHasChanged), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void StopWatching()
    {
        _subscription?.Dispose();
        _subscription = null;
        _ticker?.Dispose();
        _ticker = null;
    }

    private Task OnUpdateAsync(JobUpdate update) => InvokeAsync(() =>
    {
        if (_paused || _load?.View is not { } view) return;
        if (update.Job is { } job)
        {
            _load = JobLoad.Ok(view with { Job = job, FetchedAt = update.At });
            _liveProblem = null;
            if (job.IsTerminal) StopWatching();
        }
        else if (update.Failure is { } failure)
        {
            _liveProblem = JobProblem.From(failure).Title;
        }
        StateHasChanged();
    });

    private void TogglePause()
    {
        _paused = !_paused;
        if (_paused) StopWatching();
    }

    private async Task ReloadAsync()
    {
        _load = await Lookup.LoadAsync(Id, _cts.Token);
    }

    private static Severity SeverityFor(JobProblemKind kind) => kind switch
    {
        JobProblemKind.InvalidId => Severity.Warning,
        JobProblemKind.NotFound => Severity.Info,
        _ => Severity.Error,
    };

    public void Dispose()
    {
        StopWatching();
        _cts.Cancel();
        _cts.Dispose();
    }
}
