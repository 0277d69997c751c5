using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Microsoft.AspNetCore.Components;

namespace Filecheck.Dashboard.Jobs.Files;

public partial class FilesTable
{
    /// <summary>Up to this many rows every row is drawn; above it only the rows in view.</summary>
    public const int VirtualizeAbove = Filecheck.Dashboard.Jobs.Timeline.TimelineView.VirtualizeAbove;

    private static readonly (string Column, string Title)[] Columns =
        [("name", "Name"), ("type", "Type"), ("status", "Status"), ("outcome", "Outcome"), ("steps", "Steps"), ("duration", "Duration")];

    [Parameter, EditorRequired] public IReadOnlyList<JobTask> Tasks { get; set; } = [];
    [Parameter, EditorRequired] public JobViewState State { get; set; } = new();
    [Parameter] public string? SelectedFile { get; set; }
    /// <summary>The job's version: the rows are queried once per version and view, not on every render.</summary>
    [Parameter] public Filecheck.Dashboard.Jobs.Live.JobVersion? Version { get; set; }
    [Parameter] public EventCallback<JobViewState> OnChange { get; set; }
    [Parameter] public EventCallback<string> OnSelect { get; set; }

    private string? Filter => State.Filter;
    private string? Outcome => State.Outcome;
    private List<FileRow> Rows { get; set; } = [];
    private IEnumerable<string> Outcomes => Tasks.Select(t => t.Outcome ?? "none").Distinct().OrderBy(o => o);

    private readonly Filecheck.Dashboard.Jobs.Live.PerVersion<(Filecheck.Dashboard.Jobs.Live.JobVersion?, object?, string?, string?, string?, bool), List<FileRow>> _rows = new();

    protected override void OnParametersSet() =>
        Rows = _rows.Get((Version, Version is null ? Tasks : null, State.Filter, State.Outcome, State.Sort, State.Desc),
            () => FileRows.Query(Tasks, State.Filter, State.Outcome, State.Sort, State.Desc).ToList());

    private Task SortBy(string column) =>
        OnChange.InvokeAsync(State with { Sort = column, Desc = State.Sort == column && !State.Desc });

    private string? SortMark(string column) => State.Sort == column ? (State.Desc ? "▼" : "▲") : null;

    private string AriaSort(string column) => State.Sort != column ? "none" : State.Desc ? "descending" : "ascending";
}
