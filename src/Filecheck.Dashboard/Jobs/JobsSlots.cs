using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs;

/// <summary>The places on the Jobs pages where other parts plug in (see <see cref="SlotRegistration.AddToSlot{TComponent}"/>).</summary>
public static class JobsSlots
{
    /// <summary>On the home page, below the lookup and the recent lookups. No parameters.</summary>
    public static readonly Slot Home = new("jobs/home");

    /// <summary>On a job's page, below its answer. Parameter: <c>string JobId</c>.</summary>
    public static readonly Slot JobPanels = new("jobs/job-panels");

    /// <summary>
    /// Above the jobs list's table. Parameters: <c>string Search</c> (the order or search typed),
    /// <c>IReadOnlyList&lt;JobsListRow&gt; Rows</c> (this page's rows), <c>int Total</c> (rows matching in all).
    /// </summary>
    public static readonly Slot JobsListActions = new("jobs/list-actions");
}
