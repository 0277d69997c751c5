using System.Text;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Shell;
using MudBlazor;

namespace Filecheck.Dashboard.Trends;

public static class TrendsSetup
{
    /// <summary>The rollups (kept with every history write), the trends page's query, its CSV files, and the jobs list's rows.</summary>
    public static IServiceCollection AddTrends(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TrendsOptions, TrendsOptionsValidator>(configuration.GetSection(TrendsOptions.Section));
        // The rollups count days in this zone, and the jobs list its days.
        services.AddSingleton(sp => new RollupZone(sp.GetRequiredService<IOptions<TrendsOptions>>().Value.Zone()));
        // Kept in the transaction of every history write (History calls its listeners; it does not know this one).
        services.AddSingleton<RollupWriter>();
        services.AddSingleton<IHistoryWriteListener>(sp => sp.GetRequiredService<RollupWriter>());
        services.AddSingleton<RollupRebuild>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ITrendNames, LibraryTrendNames>();
        services.AddSingleton<TrendsQuery>();
        // The /jobs page's rows (Jobs' port), answered here so that its days and reasons are the rollups' own.
        services.AddSingleton<JobsListQuery>();
        services.AddSingleton<IJobsList>(sp => sp.GetRequiredService<JobsListQuery>());
        services.AddHostedService<RollupStartup>();
        services.AddNavEntry(new NavEntry("Trends", Urls.Trends(), Icons.Material.Filled.Insights, Policies.ViewTrends, 30));
        services.AddNavEntry(new NavEntry("Trend rollups", Urls.RollupAdmin, Icons.Material.Filled.Functions, Policies.Administer, 70));
        return services;
    }

    public static IHostApplicationBuilder AddTrends(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTrends(builder.Configuration);
        return builder;
    }

    public static WebApplication MapTrends(this WebApplication app)
    {
        foreach (var name in TrendsCsv.All)
        {
            app.MapGet($"/trends/{name}.csv", async (HttpContext ctx, TrendsQuery query) =>
                {
                    var view = TrendsViewState.FromQuery(ctx.Request.QueryString.Value);
                    var report = await query.LoadTablesAsync(view, ctx.RequestAborted);
                    var body = TrendsCsv.Write(name, report);
                    return Results.File(Encoding.UTF8.GetBytes(body), "text/csv; charset=utf-8", TrendsCsv.FileName(name, report));
                })
                .RequireAuthorization(Policies.ViewTrends);
        }
        return app;
    }

    /// <summary>A store that predates the rollups (or a new time zone) gets them built once, in the background.</summary>
    private sealed class RollupStartup(RollupRebuild rebuild) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (await rebuild.NeedsRebuildAsync(cancellationToken)) rebuild.TryStart();
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
