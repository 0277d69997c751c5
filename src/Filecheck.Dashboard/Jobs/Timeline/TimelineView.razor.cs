using System.Globalization;
using Filecheck.Api.Models;
using Microsoft.AspNetCore.Components;

using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Timeline;

public partial class TimelineView
{
    [Parameter, EditorRequired] public JobTimeline Timeline { get; set; } = default!;
    /// <summary>The job's times as the header words them, so both say the same.</summary>
    [Parameter] public IReadOnlyList<Filecheck.Dashboard.Jobs.Answer.TimeFact>? Times { get; set; }
    [Parameter] public string? SelectedFile { get; set; }
    [Parameter] public string? SelectedStep { get; set; }
    /// <summary>(taskId, stepId or null).</summary>
    [Parameter] public EventCallback<(string TaskId, string? StepId)> OnSelect { get; set; }

    /// <summary>
    /// Up to this many files every row is drawn; above it the rows scroll in a box and only those in view are drawn. Each
    /// drawn row stays in the circuit's render tree for as long as the page is open: at 300, a 200-file page held about
    /// 6.8 MB on the server (bench/README.md, memory). The files tab's filter finds what is out of view.
    /// </summary>
    public const int VirtualizeAbove = 30;

    /// <summary>Bars wider than this (percent of the track) show their label inside.</summary>
    private const double LabelAbove = 7;

    private ICollection<TimelineRow> Rows => Timeline.Rows as ICollection<TimelineRow> ?? Timeline.Rows.ToList();

    private List<(TimelineRow Row, UntimedStep Step)> Untimed =>
        Timeline.Rows.SelectMany(r => r.Untimed.Select(u => (r, u))).ToList();

    private Task SelectFile(string taskId) => OnSelect.InvokeAsync((taskId, null));

    private Task SelectStep(string taskId, string stepId) => OnSelect.InvokeAsync((taskId, stepId));

    private static string Pct(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + "%";

    internal static string OutcomeClass(string? outcome, string? status) => status == JobStatus.Error
        ? "outcome-fail"
        : Outcome.Severity(outcome) switch
        {
            OutcomeSeverity.Good => "outcome-pass",
            OutcomeSeverity.Fixed => "outcome-fixed",
            OutcomeSeverity.Warning => "outcome-warn",
            OutcomeSeverity.Failure => "outcome-fail",
            _ => "outcome-none",
        };

    /// <summary>The bar's visible label first (speech users say what they see), then what the tooltip tells.</summary>
    private static string AccessibleName(TimelineBar bar) =>
        bar.WidthPercent > LabelAbove ? bar.Label + ", " + Tooltip(bar) : Tooltip(bar);

    private static string Tooltip(TimelineBar bar)
    {
        var parts = new List<string>
        {
            $"{bar.Type ?? bar.StepId}: {Outcome.Label(bar.Outcome)} ({bar.Status ?? "unknown"})",
            $"started {Format.Time(bar.Started)}",
            bar.IsRunning ? $"running for {Format.Duration(bar.Duration)}" : $"ended {Format.Time(bar.Ended)}, took {Format.Duration(bar.Duration)}",
        };
        if (bar.IsOnCriticalPath) parts.Add("on the critical path");
        if (!string.IsNullOrWhiteSpace(bar.Reason)) parts.Add("reason: " + bar.Reason);
        return string.Join(" · ", parts);
    }
}
