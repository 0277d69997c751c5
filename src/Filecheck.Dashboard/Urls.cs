using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard;

/// <summary>Every link of the dashboard is built here, so a view can be pasted into a chat and open the same.</summary>
public static class Urls
{
    public const string Home = "/";

    /// <summary>The history search page, empty.</summary>

    /// <summary>The history sync's admin page.</summary>
    public const string SyncAdmin = "/admin/sync";

    /// <summary>Who is signed in, for admins to sign out.</summary>
    public const string SessionsAdmin = "/admin/sessions";

    /// <summary>Where the sign-out form posts.</summary>
    public const string SignOut = AccessEndpoints.SignOutPath;

    /// <summary>Where a demo user's form posts.</summary>
    public const string DemoSignIn = AccessEndpoints.DemoSignInPath;

    /// <summary>Sign-in, coming back to <paramref name="returnUrl"/> afterwards when given.</summary>
    public static string SignIn(string? returnUrl = null) =>
        returnUrl is null ? AccessEndpoints.SignInPath : AccessEndpoints.SignInPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl);

    public static string Job(string jobId, string? file = null, string? step = null) =>
        Job(jobId, new JobViewState { File = file, Step = step });

    public static string Job(string jobId, JobViewState state)
    {
        var url = "/jobs/" + Uri.EscapeDataString(jobId);
        var query = state.ToQuery();
        return query.Length == 0 ? url : url + "?" + query;
    }

    /// <summary>The "New check" page; with a job and file, "Check again" on that file.</summary>
    public static string NewCheck(string? jobId = null, string? taskId = null)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(jobId)) query.Add("job=" + Uri.EscapeDataString(jobId));
        if (!string.IsNullOrEmpty(taskId)) query.Add("file=" + Uri.EscapeDataString(taskId));
        return "/checks/new" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    /// <summary>The jobs list searched for an order ID, customer ID or email (over the whole history).</summary>
    public static string Search(string query, int page = 1) => JobsList(new JobsListState { Search = query, Page = page });

    /// <summary>A proof image of one file, streamed through the dashboard from a freshly signed URL.</summary>
    public static string Proof(string jobId, string taskId, int index) =>
        $"/jobs/{Uri.EscapeDataString(jobId)}/files/{Uri.EscapeDataString(taskId)}/proofs/{index}";

    /// <summary>A file's output: redirects to a freshly signed download URL.</summary>
    public static string Download(string jobId, string taskId) =>
        $"/jobs/{Uri.EscapeDataString(jobId)}/files/{Uri.EscapeDataString(taskId)}/download";

    /// <summary>The job's JSON with every signed URL redacted.</summary>
    public static string RawJson(string jobId) => $"/jobs/{Uri.EscapeDataString(jobId)}/raw.json";

    /// <summary>The managers' trends, in the given view.</summary>
    public static string Trends(TrendsViewState? view = null) =>
        view?.ToQuery() is { Length: > 0 } q ? "/trends?" + q : "/trends";

    /// <summary>One of the trends' CSV files (outcomes, durations, waits, reasons, breakdowns) for the same view.</summary>
    public static string TrendsCsv(string name, TrendsViewState view) =>
        $"/trends/{name}.csv" + (view.ToQuery() is { Length: > 0 } q ? "?" + q : "");

    /// <summary>The jobs list: the last 7 days newest first, or as filtered (a search, the trends' drill-down).</summary>
    public static string JobsList(JobsListState? state = null) =>
        state?.ToQuery() is { Length: > 0 } q ? "/jobs?" + q : "/jobs";

    public const string RollupAdmin = "/admin/rollups";

    /// <summary>"My shares", or every share with <paramref name="all"/>.</summary>
    public static string Shares(bool all = false) =>
        Sharing.SharesViewState.Keys.ToQuery(new() { All = all }) is { Length: > 0 } q ? "/shares?" + q : "/shares";
}
