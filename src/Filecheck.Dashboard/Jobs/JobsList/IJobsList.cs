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

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public bool HasNext => State.Page < PageCount;
}

/// <summary>What the filter menus offer: the values the history holds.</summary>
public sealed record JobsListChoices(IReadOnlyList<string> Statuses, IReadOnlyList<string> Channels, IReadOnlyList<string> Workflows);
