using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.History;

/// <summary>What one write did: rows added, rows changed, status/outcome changes recorded.</summary>
public readonly record struct HistoryWrite(int Added, int Changed, int Snapshots)
{
    public static HistoryWrite operator +(HistoryWrite a, HistoryWrite b) =>
        new(a.Added + b.Added, a.Changed + b.Changed, a.Snapshots + b.Snapshots);
}

/// <summary>Counts the admin page shows.</summary>
public sealed record HistoryCounts(int Jobs, int Terminal, int WithDetails, int DetailsPending, int Running, int Lookups);

/// <summary>Where a job's state came from.</summary>
public static class HistorySource
{
    public const string List = "list";
    public const string Details = "details";
    public const string Lookup = JobSources.Lookup;
    public const string Webhook = "webhook";
}
