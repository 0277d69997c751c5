using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Filecheck.Dashboard.History.JobsList;

public static class JobsListSort
{
    public const string Created = "created";
    public const string Outcome = "outcome";
    public const string Channel = "channel";
    public const string Workflow = "workflow";
    public const string Files = "files";
    public static IReadOnlyList<string> All { get; } = [Created, Outcome, Channel, Workflow, Files];
}

/// <summary>
/// Every filter of the jobs list, in its query string: creation days (inclusive, in the trends' zone), outcome group,
/// channel, workflow, rule, file type, normalized reason, finished only; sort and page.
/// </summary>
public sealed record JobsListState
{
    public const int PageSize = 50;

    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>pass, fixed, warn, fail or other (the trends' outcome groups).</summary>
    public string? Outcome { get; init; }
    public string? Channel { get; init; }
    public string? Workflow { get; init; }
    public string? Rule { get; init; }
    public string? FileType { get; init; }
    public string? Reason { get; init; }
    /// <summary>Only finished jobs: what the trends count.</summary>
    public bool Finished { get; init; }
    public string Sort { get; init; } = JobsListSort.Created;
    public bool Desc { get; init; } = true;
    public int Page { get; init; } = 1;

    public static JobsListState FromQuery(string? query)
    {
        var q = QueryHelpers.ParseQuery(query);
        string? Get(string key) => q.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        var state = new JobsListState
        {
            From = Date(Get("from")), To = Date(Get("to")),
            Outcome = Get("outcome") is { } o && History.Rollups.OutcomeGroup.All.Contains(o) ? o : null,
            Channel = Get("channel"), Workflow = Get("workflow"), Rule = Get("rule"), FileType = Get("filetype"), Reason = Get("reason"),
            Finished = Get("finished") is "1",
            Sort = Get("sort") is { } s && JobsListSort.All.Contains(s) ? s : JobsListSort.Created,
            Desc = Get("desc") is not "0",
            Page = int.TryParse(Get("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 100_000 ? p : 1,
        };
        return state;
    }

    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(key + "=" + Uri.EscapeDataString(value));
        }
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("outcome", Outcome);
        Add("channel", Channel);
        Add("workflow", Workflow);
        Add("rule", Rule);
        Add("filetype", FileType);
        Add("reason", Reason);
        Add("finished", Finished ? "1" : null);
        Add("sort", Sort == JobsListSort.Created ? null : Sort);
        Add("desc", Desc ? null : "0");
        Add("page", Page > 1 ? Page.ToString(CultureInfo.InvariantCulture) : null);
        return string.Join("&", parts);
    }

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
