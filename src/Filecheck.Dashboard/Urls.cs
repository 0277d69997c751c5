namespace Filecheck.Dashboard;

/// <summary>Every link of the dashboard is built here, so a view can be pasted into a chat and open the same.</summary>
public static class Urls
{
    public const string Home = "/";

    public static string Job(string jobId, string? file = null, string? step = null)
    {
        var url = "/jobs/" + Uri.EscapeDataString(jobId);
        var query = new List<string>();
        if (!string.IsNullOrEmpty(file)) query.Add("file=" + Uri.EscapeDataString(file));
        if (!string.IsNullOrEmpty(step)) query.Add("step=" + Uri.EscapeDataString(step));
        return query.Count == 0 ? url : url + "?" + string.Join("&", query);
    }
}
