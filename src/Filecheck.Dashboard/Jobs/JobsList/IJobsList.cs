namespace Filecheck.Dashboard.Jobs.JobsList;

/// <summary>
/// The jobs list's rows, as the <c>/jobs</c> page asks for them: a port Jobs owns and Trends answers (its
/// <c>JobsListQuery</c> counts days and reasons exactly as the rollups do, so a chart's bar and its jobs agree).
/// </summary>
public interface IJobsList
{
    Task<JobsListResult> LoadAsync(JobsListState state, CancellationToken ct = default, int pageSize = JobsListState.PageSize);

    /// <summary>The statuses, channels and workflows the history holds, for the filter menus.</summary>
    Task<JobsListChoices> ChoicesAsync(CancellationToken ct = default);
}

public sealed record JobsListRow(
    string Id, DateTimeOffset? CreatedAt, string? Status, string? Outcome, string? Channel, string? WorkflowId, string? RuleId,
    string? OrderId, string? CustomerId, string? CustomerEmail, int FileCount);

public sealed record JobsListResult(JobsListState State, IReadOnlyList<JobsListRow> Rows, int Total, int PageSize, DateOnly? FirstDay, string? Problem)
{
    /// <summary>More jobs match than were counted (<see cref="Total"/> is then the count's cap).</summary>
    public bool TotalCapped { get; init; }

    /// <summary>What the list did to stay fast (a search bounded in time), said on the page.</summary>
    public string? Notice { get; init; }

    /// <summary>"1234" or, past the cap, "10,000+".</summary>
    public string TotalText => TotalCapped
        ? Total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "+"
        : Total.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Newest first: the key of this page's last row when more rows follow it, else null.</summary>
    public string? NextKey { get; init; }

    /// <summary>Newest first, on a page found by key: the key of its first row when rows come before it, else null.</summary>
    public string? PreviousKey { get; init; }

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public bool HasNext => State.Page < PageCount;

    /// <summary>
    /// The next page's view: by number while the numbers reach (the address the list always had), by key past the
    /// count cap or once a page was found by key; null on the last page.
    /// </summary>
    public JobsListState? NextState =>
        State.HasKey || (State.PagesByKey && !HasNext) ? (NextKey is { } key ? State with { Page = 1, After = key, Before = null } : null)
        : HasNext ? State with { Page = State.Page + 1 } : null;

    /// <summary>The previous page's view; null on the first page.</summary>
    public JobsListState? PreviousState =>
        State.HasKey ? (PreviousKey is { } key ? State with { Page = 1, After = null, Before = key } : null)
        : State.Page > 1 ? State with { Page = State.Page - 1 } : null;
}

/// <summary>What the filter menus offer: the values the history holds.</summary>
public sealed record JobsListChoices(IReadOnlyList<string> Statuses, IReadOnlyList<string> Channels, IReadOnlyList<string> Workflows);
