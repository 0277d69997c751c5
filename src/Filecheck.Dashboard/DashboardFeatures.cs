using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard;

/// <summary>
/// The dashboard's features, in one list: Program.cs runs it, and so does every test host that starts the whole app.
/// The store (<c>Data/</c>) comes first; each feature's wiring lives in its folder; the order of the <c>Add</c> calls does not change what they do.
/// </summary>
public static class DashboardFeatures
{
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.AddStore();
        builder.AddShell();
        builder.AddAccess();
        builder.AddSandbox();
        builder.AddJobs();
        builder.AddHistory();
        builder.AddTrends();
        builder.AddSharing();
        // Last: it counts the Filecheck clients' calls, registered above (OpenTelemetry itself only with OTEL_EXPORTER_OTLP_ENDPOINT).
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>The middleware and endpoints, in the order requests meet them.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseShell();
        app.MapAccess();
        app.MapSandbox();
        app.MapHistory();
        app.MapSharing();
        app.MapJobs();
        app.MapTrends();
        app.MapShell();
        return app;
    }
}
