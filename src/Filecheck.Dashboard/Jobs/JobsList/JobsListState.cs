using System.Globalization;
using Filecheck.Dashboard.Shell;
using K = Filecheck.Dashboard.Shell.QueryKeys<Filecheck.Dashboard.Jobs.JobsList.JobsListState>;

namespace Filecheck.Dashboard.Jobs.JobsList;

public static class JobsListSort
{
    public const string Created = "created";
    public const string Outcome = "outcome";
    public const string Channel = "channel";
    public const string Workflow = "workflow";
    public const string Files = "files";
    public static IReadOnlyList<string> All { get; } = [Created, Outcome, Channel, Workflow, Files];
}

/// <summary>The creation-time presets of the jobs list; an explicit from/to overrides them.</summary>
public static class JobsListRange
{
    public const string Week = "7";
    public const string Month = "30";
    public const string Quarter = "90";
    public const string Year = "365";
    public const string AllTime = "all";
    public static IReadOnlyList<string> All { get; } = [Week, Month, Quarter, Year, AllTime];

    public static string Label(string range) => range switch
    {
        AllTime => "All time",
        var days => $"Last {days} days",
    };
}

/// <summary>
/// Every filter of the jobs list, in its query string: a search (order ID, customer ID or email, whole or first
/// letters), creation days (a preset or inclusive from/to days in the trends' zone), status, outcome group, channel,
/// workflow, rule, file type, file name, order ID, customer ID, email, normalized reason, finished only; sort and page.
/// With nothing chosen it lists the last 7 days, newest first; a search or an ID filter looks over the whole history.
/// </summary>
public sealed record JobsListState : IAddressView<JobsListState>
{
    public const int PageSize = 50;
    public const int MaxTextLength = 200;

    /// <summary>Order ID, customer ID or email: the whole value or its first letters (what <c>/search</c> did).</summary>
    public string? Search { get; init; }
    /// <summary>A preset of <see cref="JobsListRange"/>; null is the default (see <see cref="EffectiveRange"/>).</summary>
    public string? Range { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public string? Status { get; init; }
    /// <summary>pass, fixed, warn, fail or other (the trends' outcome groups).</summary>
    public string? Outcome { get; init; }
    public string? Channel { get; init; }
    public string? Workflow { get; init; }
    public string? Rule { get; init; }
    public string? FileType { get; init; }
    /// <summary>Part of a file's name, any case.</summary>
    public string? FileName { get; init; }
    public string? OrderId { get; init; }
    public string? CustomerId { get; init; }
    /// <summary>A customer's email, any case.</summary>
    public string? Email { get; init; }
    public string? Reason { get; init; }
    /// <summary>Only finished jobs: what the trends count.</summary>
    public bool Finished { get; init; }
    public string Sort { get; init; } = JobsListSort.Created;
    public bool Desc { get; init; } = true;
    public int Page { get; init; } = 1;
    /// <summary>Newest first past the count cap: the page after this job's key (<see cref="JobsListKey"/>); the page number is then unknown.</summary>
    public string? After { get; init; }
    /// <summary>The page before this job's key, newest first.</summary>
    public string? Before { get; init; }

    /// <summary>Newest first with no search: the one order a page can be found by a key (creation time, then ID) instead of by skipping rows.</summary>
    public bool PagesByKey => Sort == JobsListSort.Created && Desc && Search is null;

    /// <summary>True when the page is found by a key in the address rather than by its number.</summary>
    public bool HasKey => PagesByKey && (After is not null || Before is not null);

    /// <summary>True when a filter names a job's order, customer, email or file: then the default range is all time.</summary>
    public bool FindsSomeone => Search is not null || OrderId is not null || CustomerId is not null || Email is not null || FileName is not null;

    /// <summary>The preset in force when no from/to is given: the chosen one, else 7 days, or all time when finding someone.</summary>
    public string EffectiveRange => Range ?? (FindsSomeone ? JobsListRange.AllTime : JobsListRange.Week);

    /// <summary>True when explicit days (a trends drill-down) decide the creation range.</summary>
    public bool HasDays => From is not null || To is not null;

    /// <summary>The first day counted, in the zone's calendar, given today's date there; null for no lower bound.</summary>
    public DateOnly? FirstDay(DateOnly today) =>
        HasDays ? From
        : EffectiveRange == JobsListRange.AllTime ? null
        : today.AddDays(1 - int.Parse(EffectiveRange, CultureInfo.InvariantCulture));

    /// <summary>A copy with every filter cleared (sort kept): what "Clear filters" opens.</summary>
    public JobsListState Cleared() => new() { Sort = Sort, Desc = Desc };

    /// <summary>The list's keys: a new filter is a property above, its row here and its use in the list's query.</summary>
    public static QueryKeys<JobsListState> Keys { get; } = new(
        K.Text("q", s => s.Search, (s, v) => s with { Search = v }) with { Clean = v => v.Trim() is { Length: > 0 } typed ? typed : null },
        K.Choice("range", JobsListRange.All, s => s.Range, (s, v) => s with { Range = v }),
        K.Date("from", s => s.From, (s, v) => s with { From = v }),
        K.Date("to", s => s.To, (s, v) => s with { To = v }),
        K.Text("status", s => s.Status, (s, v) => s with { Status = v }),
        K.Choice("outcome", OutcomeGroup.All, s => s.Outcome, (s, v) => s with { Outcome = v }),
        K.Text("channel", s => s.Channel, (s, v) => s with { Channel = v }),
        K.Text("workflow", s => s.Workflow, (s, v) => s with { Workflow = v }),
        K.Text("rule", s => s.Rule, (s, v) => s with { Rule = v }),
        K.Text("filetype", s => s.FileType, (s, v) => s with { FileType = v }),
        K.Text("file", s => s.FileName, (s, v) => s with { FileName = v }),
        K.Text("order", s => s.OrderId, (s, v) => s with { OrderId = v }),
        K.Text("customer", s => s.CustomerId, (s, v) => s with { CustomerId = v }),
        K.Text("email", s => s.Email, (s, v) => s with { Email = v }),
        K.Text("reason", s => s.Reason, (s, v) => s with { Reason = v }),
        K.Flag("finished", s => s.Finished, (s, v) => s with { Finished = v }),
        K.Choice("sort", JobsListSort.All, s => s.Sort, (s, v) => s with { Sort = v }, fallback: JobsListSort.Created),
        K.Flag("desc", s => s.Desc, (s, v) => s with { Desc = v }, text: "0", whenWritten: false),
        K.Number("page", s => s.Page, (s, v) => s with { Page = v }, accept: p => p is >= 1 and <= 100_000, fallback: 1),
        // Newest first past the count cap: a job's key; one that does not parse is dropped (the first page).
        K.Text("after", s => s.After, (s, v) => JobsListKey.TryParse(v, out _) ? s with { After = v } : s),
        K.Text("before", s => s.After is null ? s.Before : null, (s, v) => s.After is null && JobsListKey.TryParse(v, out _) ? s with { Before = v } : s))
    {
        // The search is kept as typed (its key says so), so the list can say what is wrong with it; hidden characters
        // and overlong values in any other key are never a filter anyone typed: dropped, never a 500.
        Clean = v => v.Trim() is var text && (text.Length is 0 or > MaxTextLength || text.Any(char.IsControl)) ? null : text,
    };

    public static JobsListState FromQuery(string? query) => Keys.FromQuery(query);

    public string ToQuery() => Keys.ToQuery(this);
}

/// <summary>A job's place in the newest-first list, as the address carries it: its creation time (Unix milliseconds, as stored) and ID.</summary>
public readonly record struct JobsListKey(DateTimeOffset CreatedAt, string Id)
{
    public static string Format(DateTimeOffset createdAt, string id) =>
        createdAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "." + id;

    public static bool TryParse(string? text, out JobsListKey key)
    {
        key = default;
        var dot = text?.IndexOf('.') ?? -1;
        if (dot <= 0 || dot == text!.Length - 1) return false;
        if (!long.TryParse(text.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            || ms is < -62_135_596_800_000 or > 253_402_300_799_999) return false;
        key = new JobsListKey(DateTimeOffset.FromUnixTimeMilliseconds(ms), text[(dot + 1)..]);
        return true;
    }
}
