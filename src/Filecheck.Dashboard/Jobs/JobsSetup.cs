using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Jobs.Limits;
using Filecheck.Dashboard.Jobs.Live;
using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Shell;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;

namespace Filecheck.Dashboard.Jobs;

public static class JobsSetup
{
    /// <summary>Lookups, the job page, live watching, proofs and downloads.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJobs(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The same services for a host without a builder (a bUnit context): without a configuration every option keeps
    /// its default.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LibraryNames>();
        services.AddScoped<JobLookupService>();
        services.AddSingleton<SharedJobs>();
        services.AddScoped<Shell.IJobReports, Answer.JobReports>();
        // Without the History feature, lookups keep nothing; History replaces this whichever is added first.
        services.TryAddSingleton<IJobHistory, NoJobHistory>();
        services.AddValidatedOptions<JobWatcherOptions, JobWatcherOptionsValidator>(configuration?.GetSection(JobWatcherOptions.Section));
        // One poll per running job across instances (leases and the bus); a host without the store gets one instance's.
        services.AddSingleInstanceDefaults();
        services.AddSingleton<JobWatcher>();

        // Proofs, downloads and the raw JSON, through the dashboard (RunsEndpoints); the proof client has no API key, by design.
        services.AddValidatedOptions<ArtifactOptions, ArtifactOptionsValidator>(configuration?.GetSection(ArtifactOptions.Section));
        services.AddSingleton<RunsService>();
        services.AddSingleton<RunsAudit>();
        services.AddSingleton<ArtifactUrlPolicy>();
        // One budget of bytes in flight for every proof relayed (staff and share pages together), from Limits:ProofBytesInFlight.
        services.AddSingleton(sp => new CappedImageCopy(maxBytesInFlight: sp.GetRequiredService<IOptions<UserLimitsOptions>>().Value.ProofBytesInFlight));
        services.AddHttpClient(RunsEndpoints.ProofClient, c =>
            {
                c.Timeout = TimeSpan.FromSeconds(20);
                // Bounds the body even when no Content-Length is sent.
                c.MaxResponseContentBufferSize = RunsEndpoints.MaxProofBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

        // Per-person limits (Limits:*), counted in the store: the lookups' budget and the filter on the endpoints below.
        services.AddValidatedOptions<UserLimitsOptions, UserLimitsOptionsValidator>(configuration?.GetSection(UserLimitsOptions.Section));
        // The store's counts (AddStore) whichever part is added first; a host without the store counts in its process.
        services.TryAddSingleton<Data.IUserWindows, Data.ProcessUserWindows>();
        services.AddSingleton<UserBudget>();
        // Lookups and cache hits are counted here (exported when telemetry is on, see TelemetrySetup).
        services.TryAddSingleton<DashboardMetrics>();

        // New checks: the page, the upload route, the per-user quota, the audit kept in the store.
        services.AddValidatedOptions<CheckOptions, CheckOptionsValidator>(configuration?.GetSection(CheckOptions.Section));
        services.AddSingleton<CheckQuota>();
        services.AddSingleton<ICheckAudit, CheckAuditStore>();
        services.AddScoped<CheckService>();

        services.AddNavEntry(new NavEntry("Look up a job", Urls.Home, Icons.Material.Filled.Search, Policies.LookUpJobs, 10, NavLinkMatch.All));
        services.AddNavEntry(new NavEntry("Jobs", Urls.JobsList(), Icons.Material.Filled.ManageSearch, Policies.LookUpJobs, 20, TestId: "nav-jobs"));
        services.AddNavEntry(new NavEntry("New check", Urls.NewCheck(), Icons.Material.Filled.FactCheck, Policies.RunChecks, 50));
        return services;
    }

    public static WebApplication MapJobs(this WebApplication app)
    {
        var files = app.MapGroup("/jobs/{id}").RequireAuthorization(Policies.LookUpJobs);
        files.MapGet("/files/{taskId}/proofs/{index:int}", RunsEndpoints.ProofAsync).CountedIn(UserLimitKind.Proofs);
        files.MapGet("/files/{taskId}/download", RunsEndpoints.DownloadAsync).CountedIn(UserLimitKind.Downloads);
        files.MapGet("/raw.json", RunsEndpoints.RawJsonAsync).CountedIn(UserLimitKind.RawJson);
        app.MapPost(CheckUploadEndpoint.Path, CheckUploadEndpoint.HandleAsync)
            .RequireAuthorization(Policies.RunChecks)
            // The page sends the antiforgery token in a header; checked in the handler, since the body is not a form.
            .DisableAntiforgery();
        // /search?q=… was the history search before the jobs list took it in: old links open the list with the search filled in.
        app.MapGet("/search", (HttpRequest request) => Results.Redirect(Urls.JobsList(JobsListState.FromQuery(request.QueryString.Value))))
            .RequireAuthorization(Policies.LookUpJobs);
        return app;
    }
}
