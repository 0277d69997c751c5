namespace Filecheck.Dashboard.Tests.Architecture;

/// <summary>
/// The references between parts the design allows, each with its reason (docs/architecture.md shows the same list).
/// Every part may use Data (the store) and Shell (layout, slots, shared UI helpers); anything else is listed here.
/// Keep it short: a new entry needs a reason a reviewer accepts, and none may point back up (no cycles).
/// </summary>
public static class AllowedReferences
{
    public static readonly (string From, string To, string Why)[] Entries =
    [
        ("Jobs", "Access", "pages and endpoints name the role policies they require, and audits key on the user (UserKey)"),
        ("History", "Access", "the sync's admin page requires the Admin policy"),
        ("History", "Jobs", "History implements the ports Jobs owns (IJobHistory) and reads its job models"),
        ("Trends", "Access", "the trends page, its CSV files and the rollups' admin page require their policies"),
        ("Trends", "History", "the rollups count History's job and step rows, in its write transaction (IHistoryWriteListener)"),
        ("Trends", "Jobs", "a bar links to its jobs (JobsListState), Trends answers the jobs list (IJobsList), outcome groups"),
        ("Sharing", "Access", "share pages require the ShareProofs policy; the audit keys on the user"),
        ("Sharing", "Jobs", "a share shows a job's proofs (RunsService) and plugs into the job page and the jobs list (JobsSlots)"),
        ("Sandbox", "Jobs", "the sandbox's well-known jobs plug into the home page (JobsSlots); it points proofs at itself (ArtifactOptions)"),
        ("Sandbox", "History", "the sandbox keeps its generated history apart and syncs it faster (HistoryOptions)"),
    ];

    private static readonly string[] Everyone = ["Data", "Shell"];

    public static bool Permits(string from, string to) =>
        Everyone.Contains(to) || Entries.Any(e => e.From == from && e.To == to);
}
