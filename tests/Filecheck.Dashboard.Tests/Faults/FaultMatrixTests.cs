using System.Diagnostics;
using AngleSharp.Dom;
using Bunit;
using Filecheck.Api;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Tests.History;
using Filecheck.Dashboard.Trends;
using Filecheck.Sandbox;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Faults;

/// <summary>
/// Every staff page under every fault of the API, on the real client over real HTTP to a sandbox and a real SQLite
/// history: each says what happened in the client's words, shows the stored copy marked stale where the history has one,
/// says it keeps trying, and shows fresh data by itself once the API answers again.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class FaultMatrixTests(FaultFigures figures) : IAsyncLifetime
{
    private readonly TempStore _db = new();
    private SandboxServer _sandbox = default!;
    private string _storedId = "";
    private readonly Queue<string> _unstoredIds = new();

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            JobCount = 60, Seed = 5, Clock = new FakeTimeProvider(DateTimeOffset.UtcNow), NewJobEvery = null, RunningJobs = 0,
        });
        // The history holds a few finished jobs (looked up once): the stale copies, the jobs list's rows, the trends' figures.
        await using var services = Services(faultTimeouts: false).BuildServiceProvider();
        var client = services.GetRequiredService<IFilecheckClient>();
        var listed = await client.ListJobsAsync(100);
        Assert.True(listed.IsSuccess, listed.Failure?.Message);
        var finished = listed.Value.Jobs.Where(j => j.IsTerminal).Select(j => j.Id).ToList();
        Assert.True(finished.Count > 6 + InjectedFault.All.Count, string.Join(",", listed.Value.Jobs.Select(j => j.Status)));
        await using (var scope = services.CreateAsyncScope())
        {
            var lookup = scope.ServiceProvider.GetRequiredService<JobLookupService>();
            foreach (var id in finished.Take(6)) Assert.Null((await lookup.LoadAsync(id, "seeder")).Problem);
        }
        await services.GetRequiredService<WriteThrough>().IdleAsync();
        _storedId = finished[0];
        foreach (var id in finished.Skip(6)) _unstoredIds.Enqueue(id);
        var share = await services.GetRequiredService<ShareLinkService>().CreateAsync(new ShareRequest
        {
            Files = [new ShareFile(_storedId, (await client.GetJobAsync(JobId.Parse(_storedId))).Value!.Tasks![0].Id, "proof.pdf")],
        }, "Alice Staff");
        Assert.Null(share.Error);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _db.Dispose();
    }

    /// <summary>The features as the dashboard wires them, on this sandbox and store; a fresh set per fault (its own circuit breaker and caches).</summary>
    private ServiceCollection Services(bool faultTimeouts = true)
    {
        var settings = HistoryHost.Settings(_sandbox, _db.File);
        if (faultTimeouts)
        {
            // A hung request fails within 2 s, and no client retry blurs what the page itself does.
            settings["Filecheck:Timeout"] = "00:00:02";
            settings["Filecheck:TotalTimeout"] = "00:00:03";
            settings["Filecheck:MaxRetries"] = "0";
        }
        // Always ask Filecheck: the stored copy is what a failure falls back to.
        settings["History:CacheAge"] = "00:00:00";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        HistoryHost.AddServices(services, configuration);
        services.AddSharing(configuration);
        services.AddSingleton(new BackendInfo(IsSandbox: false));
        services.AddScoped<Filecheck.Dashboard.Access.AccessGuard>();
        services.AddSingleton<AntiforgeryStateProvider, NoAntiforgery>();
        return services;
    }

    private sealed class NoAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => null;
    }

    private BunitContext NewContext(string? uri = null)
    {
        var ctx = ComponentTest.NewContext();
        foreach (var d in Services()) ctx.Services.Add(d);
        ctx.AddAuthorization().SetAuthorized("Alice Staff");
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        if (uri is not null) ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
        return ctx;
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static IElement? Find<T>(IRenderedComponent<T> page, string selector) where T : IComponent => page.FindAll(selector).FirstOrDefault();

    [Fact]
    public async Task StaffPages_UnderEachFault_SayWhatHappened_ShowTheStaleCopy_AndRecoverByThemselves()
    {
        foreach (var fault in InjectedFault.All)
        {
            var failure = new FilecheckFailure(Enum.Parse<FilecheckFailureKind>(fault.Expected), "", RetryAfter: fault.Fault == SandboxFault.RateLimited ? TimeSpan.FromSeconds(1) : null);
            var said = FilecheckFailureText.For(failure);
            var title = JobProblem.From(failure).Title;
            var unstored = _unstoredIds.Dequeue();
            await fault.InjectAsync(_sandbox);
            await using var jobs = NewContext($"/checks/new?job={unstored}");
            await using var lists = NewContext();
            try
            {
                var fresh = jobs.Render<JobPage>(p => p.Add(x => x.Id, unstored));
                var stale = jobs.Render<JobPage>(p => p.Add(x => x.Id, _storedId));
                var check = jobs.Render<NewCheckPage>();
                var list = lists.Render<JobsListPage>();
                var trends = lists.Render<TrendsPage>();
                var home = lists.Render<HomePage>();
                var shares = lists.Render<SharesPage>();

                // Under the fault: what happened, in the client's words, the stored copy marked stale, and "still trying".
                fresh.WaitForState(() => Find(fresh, "[data-testid=job-recovering]") is not null, Patience);
                var problem = fresh.Find("[data-testid=job-problem]");
                Assert.Contains(said, problem.TextContent);
                Assert.Contains(title, problem.TextContent);
                figures.Said(fault.Name, said);
                figures.Outcome(fault.Name, "job page (no stored copy)", $"“{title}”, the sentence, trying again");

                stale.WaitForState(() => Find(stale, "[data-testid=stale-recovering]") is not null, Patience);
                Assert.Contains(title, stale.Find("[data-testid=stale-banner]").TextContent);
                Assert.Contains(_storedId, stale.Find("[data-testid=job-header]").TextContent);
                figures.Outcome(fault.Name, "job page (stored copy)", $"stored copy, “Stale since … because {title}”, trying again");

                list.WaitForState(() => Find(list, "[data-testid=names-problem]") is not null, Patience);
                Assert.Contains(said, list.Find("[data-testid=names-problem]").TextContent);
                Assert.NotEmpty(list.FindAll("[data-testid=jobs-row]"));
                figures.Outcome(fault.Name, "jobs list", "history's rows, the sentence, names as IDs until it answers");

                trends.WaitForState(() => Find(trends, "[data-testid=names-problem]") is not null, Patience);
                Assert.Contains(said, trends.Find("[data-testid=names-problem]").TextContent);
                Assert.NotNull(Find(trends, "[data-testid=trends-summary]"));
                figures.Outcome(fault.Name, "trends", "history's figures, the sentence, names as IDs until it answers");

                check.WaitForState(() => Find(check, "[data-testid=profiles-problem]") is not null && Find(check, "[data-testid=check-start-problem]") is not null, Patience);
                Assert.Contains(said, check.Find("[data-testid=profiles-problem]").TextContent);
                Assert.Contains(title, check.Find("[data-testid=check-start-problem]").TextContent);
                Assert.Contains("by itself", check.Find("[data-testid=check-start-problem]").TextContent);
                figures.Outcome(fault.Name, "new check", $"“{title}” for the original, the sentence for the profiles, trying again");

                // Pages that never ask Filecheck render as always.
                Assert.Contains("Look up a job", home.Markup);
                Assert.Empty(home.FindAll(".mud-alert"));
                figures.Outcome(fault.Name, "home / lookup", "as always (asks Filecheck nothing)");
                shares.WaitForState(() => Find(shares, "[data-testid=shares-empty], [data-testid=shares-table]") is not null, Patience);
                Assert.Empty(shares.FindAll("[data-testid=shares-problem]"));
                figures.Outcome(fault.Name, "shares", "as always (history only)");

                // The API answers again: every page shows fresh data by itself, with no reload.
                await fault.LiftAsync(_sandbox);
                var since = Stopwatch.StartNew();
                await Task.WhenAll(
                    Recovered(fault, "job page (no stored copy)", since, fresh, () => Find(fresh, "[data-testid=job-header]") is not null && Find(fresh, "[data-testid=job-problem]") is null),
                    Recovered(fault, "job page (stored copy)", since, stale, () => Find(stale, "[data-testid=job-header]") is not null && Find(stale, "[data-testid=stale-banner]") is null),
                    Recovered(fault, "jobs list", since, list, () => Find(list, "[data-testid=names-problem]") is null),
                    Recovered(fault, "trends", since, trends, () => Find(trends, "[data-testid=names-problem]") is null),
                    Recovered(fault, "new check", since, check, () => Find(check, "[data-testid=profiles-problem]") is null
                        && Find(check, "[data-testid=check-start-problem]") is null && check.Markup.Contains("Check again", StringComparison.Ordinal)));
                Assert.Contains(unstored, fresh.Find("[data-testid=job-header]").TextContent);
            }
            finally
            {
                await fault.LiftAsync(_sandbox);
            }
        }
    }

    private Task Recovered<T>(InjectedFault fault, string page, Stopwatch since, IRenderedComponent<T> component, Func<bool> isFresh) where T : IComponent => Task.Run(() =>
    {
        component.WaitForState(isFresh, Patience);
        figures.Recovered(fault.Name, page, since.Elapsed);
    });
}
