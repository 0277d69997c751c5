using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Filecheck.Dashboard.Trends;

public sealed partial class TrendsPage
{
    [Inject] private TrendsQuery Query { get; set; } = default!;
    [Inject] private RollupRebuild Rebuild { get; set; } = default!;
    [Inject] private ILogger<TrendsPage> Logger { get; set; } = default!;
    [Inject] private HistorySyncStatus SyncStatus { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private TrendsViewState View => State;
    private TrendsReport? _report;
    private TrendsCharts? _charts;
    private string? _problem;
    private bool _customOpen;
    private string? _customFrom;
    private string? _customTo;
    private readonly CancellationTokenSource _gone = new();
    private ITimer? _timer;
    private bool _filling;
    private int _refreshing;
    private Filecheck.Api.FilecheckFailure? _namesFailure;
    private Shell.RetryLoop? _namesRetry;

    // The legend is the page's own: MudBlazor's legend selects a series as a bar click does, and a bar click opens jobs.
    private readonly ChartOptions _outcomeOptions = new() { ChartPalette = OutcomeColors.Palette, ShowLegend = false };
    private SvgPath? _pointedBar;
    private readonly ChartOptions _rateOptions = new() { ChartPalette = [OutcomeColors.Of(OutcomeGroup.Pass), OutcomeColors.Of(OutcomeGroup.Fixed), "#a5d6a7", "#81d4fa"] };

    private string[] Labels => _charts?.Labels.ToArray() ?? [];
    private string UnitWord => View.Unit == TrendUnit.Files ? "files" : "jobs";
    private string UnitTitle => View.Unit == TrendUnit.Files ? "Files" : "Jobs";
    private string RangeValue => View.IsCustom || _customOpen ? "custom" : View.Days.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override Task OnInitializedAsync()
    {
        // While the sync or a rebuild is still filling the history, the figures follow it (one last time when it ends).
        if (RendererInfo.IsInteractive)
        {
            _timer = Clock.CreateTimer(_ => _ = RefreshWhileFillingAsync(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        }
        // The whole view lives in the address (AddressPage): loaded from it at first, and again whenever its query string changes.
        return base.OnInitializedAsync();
    }

    private async Task RefreshWhileFillingAsync()
    {
        var filling = SyncStatus.Running || Rebuild.Progress.Running;
        if (!filling && !_filling) return;
        _filling = filling;
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            await InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Trends refresh failed; the next tick tries again");
        }
        finally
        {
            Interlocked.Exchange(ref _refreshing, 0);
        }
    }

    protected override async Task LoadViewAsync(CancellationToken ct)
    {
        _customFrom = View.From is { } f ? TrendsCsv.Date(f) : null;
        _customTo = View.To is { } t ? TrendsCsv.Date(t) : null;
        await LoadAsync(ct);
        if (ct.IsCancellationRequested) return;
        // The figures are the history's; the names come when Filecheck answers again, without a reload.
        if (_namesFailure is not null && RendererInfo.IsInteractive)
        {
            _namesRetry ??= new Shell.RetryLoop(Clock);
            _namesRetry.Start(RecoverNamesAsync, _namesFailure.RetryAfter);
        }
    }

    private async Task<Shell.RetryAnswer> RecoverNamesAsync(CancellationToken ct)
    {
        if (!await Query.Names.RetryAsync(ct)) return Shell.RetryAnswer.NotYet(Query.Names.Failure?.RetryAfter);
        await InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
        return Shell.RetryAnswer.Succeeded;
    }

    /// <summary>The figures of the view; an answer that comes after <paramref name="ct"/> was cancelled (a newer address) is dropped.</summary>
    private async Task LoadAsync(CancellationToken ct = default)
    {
        _problem = null;
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, _gone.Token);
            var report = await Query.LoadAsync(View, either.Token);
            if (ct.IsCancellationRequested) return;
            _report = report;
            _charts = TrendsCharts.From(_report);
            _namesFailure = Query.Names.Failure;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogError(e, "Trends could not be read");
            _problem = "The trend figures could not be read from the history store. Try again in a moment; if it persists, an admin can rebuild them at " + Urls.RollupAdmin + ".";
        }
    }

    private void Go(TrendsViewState view)
    {
        _customOpen = false;
        Navigation.NavigateTo(Urls.Trends(view));
    }

    private void SetRange(string? value)
    {
        if (value == "custom")
        {
            _customOpen = true;
            var (from, to) = View.Range(Query.Today());
            _customFrom ??= TrendsCsv.Date(from);
            _customTo ??= TrendsCsv.Date(to);
            return;
        }
        if (int.TryParse(value, out var days)) Go(View with { Days = days, From = null, To = null });
    }

    private void ApplyCustom()
    {
        var from = TrendsViewState.ParseDate(_customFrom);
        var to = TrendsViewState.ParseDate(_customTo);
        if (from is null || to is null || from > to)
        {
            _problem = "A custom range needs a start date on or before its end date.";
            return;
        }
        Go(View with { From = from, To = to });
    }

    private static List<ChartSeries<double>> Series(IEnumerable<ChartLine> lines) =>
        lines.Select(l => new ChartSeries<double> { Name = l.Name, Data = new ChartData<double>(l.Values.ToList()) }).ToList();

    /// <summary>
    /// The outcomes chart's tooltip. MudBlazor's bar click names only the series (the outcome); the period is that of the
    /// bar under the pointer, which is the bar this tooltip is drawn for (a click on a bar always follows the pointer onto it).
    /// </summary>
    private RenderFragment<(SvgPath Bar, string Color)> OutcomeTooltip => context =>
    {
        _pointedBar = context.Bar;
        var series = _charts?.Outcomes.ElementAtOrDefault(context.Bar.Index).Line;
        return builder =>
        {
            builder.OpenComponent<MudBlazor.Charts.ChartTooltip>(0);
            builder.AddAttribute(1, nameof(MudBlazor.Charts.ChartTooltip.Title), $"{series?.Name}: {context.Bar.LabelYValue}");
            builder.AddAttribute(2, nameof(MudBlazor.Charts.ChartTooltip.Subtitle), $"{context.Bar.LabelXValue} · click for these jobs");
            builder.AddAttribute(3, nameof(MudBlazor.Charts.ChartTooltip.Color), context.Color);
            builder.AddAttribute(4, nameof(MudBlazor.Charts.ChartTooltip.X), 0.0);
            builder.AddAttribute(5, nameof(MudBlazor.Charts.ChartTooltip.Y), 0.0);
            builder.CloseComponent();
        };
    };

    /// <summary>A bar clicked: its period's jobs with its outcome, as the periods table's links open them.</summary>
    private void OnOutcomeBarClicked(int series)
    {
        if (_report is null || _charts is null || _pointedBar is not { } bar || series < 0 || series >= _charts.Outcomes.Count) return;
        var index = _charts.Labels.ToList().IndexOf(bar.LabelXValue);
        if (index < 0 || index >= _report.Outcomes.Count) return;
        Navigation.NavigateTo(PeriodJobs(_report.Outcomes[index], _charts.Outcomes[series].Group));
    }

    private string PeriodJobs(OutcomePeriod period, string? group) =>
        Urls.JobsList(TrendsQuery.JobsFor(View, period.Start, period.End) with { Outcome = group });

    private string ReasonJobs(ReasonRow reason) =>
        Urls.JobsList(TrendsQuery.JobsFor(View, _report!.From, _report.To) with { Reason = reason.Reason });

    private static string Pct(double? rate) => rate is { } r ? (r * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";

    private static string Points(double? change) => change is { } c
        ? (c >= 0 ? "+" : "−") + Math.Abs(c * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " pts"
        : "—";

    protected override ValueTask DisposeViewAsync()
    {
        _timer?.Dispose();
        _namesRetry?.Dispose();
        _gone.Cancel();
        _gone.Dispose();
        return ValueTask.CompletedTask;
    }
}
