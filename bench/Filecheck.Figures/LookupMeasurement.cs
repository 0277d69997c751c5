using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Filecheck.Api;
using Filecheck.Dashboard.Jobs;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Figures;

/// <summary>
/// The dashboard's lookup of a job (as the job page asks for it) against the floor: a raw <c>GET /jobs/{id}</c> to the
/// same sandbox from the same process, its JSON parsed into the same model. Cached: a terminal job fetched recently,
/// served from the store; miss: the Refresh path (ask the sandbox, write through, audit).
/// </summary>
public sealed class LookupMeasurement : IMeasurement
{
    public string Name => "lookup";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var figures = new List<Figure>();
        var sandbox = context.Host.Sandbox;
        using var raw = new HttpClient { BaseAddress = sandbox.BaseAddress };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.ApiKey);
        var rounds = context.Quick ? 30 : 60;
        foreach (var (id, files) in new[] { (WellKnownJobs.Passing, 1), (WellKnownJobs.Large, 200) })
        {
            using var scope = context.Host.Services.CreateScope();
            var lookup = scope.ServiceProvider.GetRequiredService<JobLookupService>();
            var first = await lookup.LoadAsync(id, userName: "bench");
            if (first.View is null) throw new InvalidOperationException($"the lookup of {id} failed: {first.Problem?.Title}");
            var copies = context.Host.Services.GetRequiredService<Filecheck.Dashboard.History.StoredJobCopies>();
            var parsesBefore = copies.Parses;
            var rawTimes = new List<double>();
            var cached = new List<double>();
            var miss = new List<double>();
            for (var i = 0; i < rounds + 5; i++)
            {
                // Interleaved, so a burst of load on the machine falls on all three alike; the first five warm up.
                var r = await TimeAsync(async () =>
                {
                    await using var stream = await raw.GetStreamAsync("jobs/" + id);
                    var job = await JsonSerializer.DeserializeAsync(stream, FilecheckJsonContext.Default.JobResponse);
                    if (job is null) throw new InvalidOperationException("empty answer");
                });
                var c = await TimeAsync(async () =>
                {
                    var load = await lookup.LoadAsync(id, userName: "bench");
                    if (!load.FromStore) throw new InvalidOperationException($"{id} was not served from the store");
                });
                var m = await TimeAsync(async () =>
                {
                    var load = await lookup.LoadAsync(id, userName: "bench", refresh: true);
                    if (load.View is null) throw new InvalidOperationException($"the refresh of {id} failed");
                });
                if (i < 5) continue;
                rawTimes.Add(r);
                cached.Add(c);
                miss.Add(m);
            }
            if (Environment.GetEnvironmentVariable("BENCH_LOOKUP_PARTS") is not null)
            {
                var history = scope.ServiceProvider.GetRequiredService<IJobHistory>();
                var budget = scope.ServiceProvider.GetRequiredService<Filecheck.Dashboard.Jobs.Limits.UserBudget>();
                var names = scope.ServiceProvider.GetRequiredService<LibraryNames>();
                var shared = scope.ServiceProvider.GetRequiredService<Filecheck.Dashboard.Jobs.Live.SharedJobs>();
                var parts = new Dictionary<string, List<double>> { ["budget"] = [], ["get"] = [], ["audit"] = [], ["names"] = [], ["share"] = [] };
                for (var i = 0; i < rounds; i++)
                {
                    parts["budget"].Add(await TimeAsync(() => budget.TryTakeAsync(Filecheck.Dashboard.Jobs.Limits.UserLimitKind.Lookups, "user:bench")));
                    StoredJob? stored = null;
                    parts["get"].Add(await TimeAsync(async () => stored = await history.GetAsync(id, default)));
                    parts["audit"].Add(await TimeAsync(() => history.RecordAccessAsync(id, () => Task.FromResult(new AuditUser("bench", "bench")), "lookup", "cache", default)));
                    parts["share"].Add(await TimeAsync(() => { shared.Share(stored!.Job); return Task.CompletedTask; }));
                    parts["names"].Add(await TimeAsync(async () => { await names.WorkflowAsync(stored!.Job.WorkflowId); await names.RuleAsync(stored!.Job.RuleId); }));
                }
                Console.WriteLine($"  parts {id}: " + string.Join(", ", parts.Select(p => $"{p.Key} p50 {Stats.Percentile(p.Value, 50):0.00} ms")) + $"; cached p50 {Stats.Percentile(cached, 50):0.00}, raw p50 {Stats.Percentile(rawTimes, 50):0.00}; {copies.Parses - parsesBefore} stored bodies parsed in {rounds + 5} rounds");
            }
            var label = $"{files} file{(files == 1 ? "" : "s")}";
            foreach (var p in new[] { 50, 95 })
            {
                var floor = Stats.Percentile(rawTimes, p);
                figures.Add(new Figure("lookup", $"cached terminal job, {label}, p{p}", Stats.Percentile(cached, p), "ms")
                {
                    Floor = floor, FloorName = "raw GET + parse", Target = 0.1, TargetIsRatio = true,
                });
                figures.Add(new Figure("lookup", $"cache miss, {label}, p{p}", Stats.Percentile(miss, p), "ms")
                {
                    Floor = floor, FloorName = "raw GET + parse", Target = 1.15, TargetIsRatio = true,
                });
            }
        }
        return figures;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalMilliseconds;
    }
}
