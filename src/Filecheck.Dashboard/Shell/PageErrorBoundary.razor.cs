using Filecheck.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Filecheck.Dashboard.Shell;

public partial class PageErrorBoundary : ErrorBoundary
{
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<PageErrorBoundary> Logger { get; set; } = default!;

    /// <summary>
    /// Logged here, once, with the page and the job it was showing; not by the base class, which would log it a second
    /// time without them. The address is logged without its query string.
    /// </summary>
    protected override Task OnErrorAsync(Exception exception)
    {
        var page = new Uri(Navigation.Uri).AbsolutePath;
        Logger.LogError(exception, "A component failed on {Page} (job {JobId}); the page shows a retry", page, JobOf(page) ?? "none");
        return Task.CompletedTask;
    }

    /// <summary>The job a page is about: the ID in <c>/jobs/{id}</c> and below it, when it is one.</summary>
    public static string? JobOf(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts is ["jobs", var id, ..] && JobId.IsExactId(Uri.UnescapeDataString(id)) ? Uri.UnescapeDataString(id) : null;
    }
}
