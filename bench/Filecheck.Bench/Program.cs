// The benchmark harness: speed and memory figures of the parts that must stay fast, measured and reported here
// (never asserted in timed tests). Run: dotnet run -c Release --project bench/Filecheck.Bench [-- --out bench/micro.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Jobs.Timeline;
using Filecheck.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var outPath = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
var sandboxOnly = args.Contains("--sandbox-only"); // the sandbox's figures alone, without the dashboard's
var rows = new List<(string What, string Figure, string Target)>();
var trendsOnly = args.Contains("--trends-only") || args.Contains("--postgres-trends") || args.Contains("--save-cost-only") || args.Contains("--trends-queries-only")
    || args.Contains("--postgres-save-cost");

// 1. The sandbox with a million jobs: start time and memory, first page and a deep job over real HTTP.
var before = GC.GetTotalMemory(forceFullCollection: true);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime; // CPU time, comparable when the machine is busy
var sw = Stopwatch.StartNew();
if (!trendsOnly)
await using (var big = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 1_000_000, Seed = 1 }))
{
    var start = sw.Elapsed;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    var held = GC.GetTotalMemory(forceFullCollection: true) - before;
    var client = Client(big);
    var page = await Time(() => client.ListJobsAsync(100));
    rows.Add(("sandbox start, 1,000,000 jobs", $"{start.TotalMilliseconds:0} ms ({cpu.TotalMilliseconds:0} ms CPU), {held / 1024.0 / 1024:0.0} MB held", "< 3 s, < 64 MB"));
    rows.Add(("GET /jobs?limit=100 on 1,000,000 jobs (first call, cold JIT)", $"{page.TotalMilliseconds:0.0} ms", "< 1 s"));
    var warm = new List<double>();
    string? next = null;
    for (var i = 0; i < 50; i++)
    {
        var sw2 = Stopwatch.StartNew();
        var result = await client.ListJobsAsync(100, next);
        warm.Add(sw2.Elapsed.TotalMilliseconds);
        next = result.Value?.NextKey;
    }
    rows.Add(("GET /jobs?limit=100 paging through 1,000,000 jobs (50 pages, warm)", $"p50 {Pct(warm, 50):0.00} ms, p95 {Pct(warm, 95):0.00} ms", "p95 < 50 ms"));
}

// 2. Job lookups through the real client and resilience pipeline to the sandbox over loopback HTTP.
if (!sandboxOnly && !trendsOnly)
await using (var sandbox = await SandboxServer.StartAsync(new SandboxOptions { JobCount = 2000, Seed = 42 }))
{
    var client = Client(sandbox);
    var id = JobId.Parse(WellKnownJobs.Failing);
    for (var i = 0; i < 20; i++) await client.GetJobAsync(id);
    var samples = new List<double>();
    for (var i = 0; i < 200; i++) samples.Add((await Time(() => client.GetJobAsync(id))).TotalMilliseconds);
    rows.Add(("GET /jobs/{id} via FilecheckClient, loopback (200 calls)", $"p50 {Pct(samples, 50):0.00} ms, p95 {Pct(samples, 95):0.00} ms", "p95 < 20 ms"));

    var large = (await client.GetJobAsync(JobId.Parse(WellKnownJobs.Large))).Value!;
    rows.Add(Measure("JobTimeline.Build, 200-file job", () => JobTimeline.Build(large, DateTimeOffset.UtcNow), "< 5 ms"));
    rows.Add(Measure("SignedUrls.RedactedJson, 200-file job", () => SignedUrls.RedactedJson(large), "< 20 ms"));

    // A 2,000-file job made from the large one's tasks: what the issue asks to stay fast.
    var huge = large with { Tasks = Enumerable.Range(0, 10).SelectMany(n => large.Tasks!.Select(t => t with { Id = t.Id + "_" + n })).ToList() };
    rows.Add(Measure("JobTimeline.Build, 2,000-file job", () => JobTimeline.Build(huge, DateTimeOffset.UtcNow), "< 50 ms"));
    rows.Add(Measure("FileRows.Query filter+sort, 2,000 files", () => FileRows.Query(huge.Tasks!, "page-1", null, "duration", true), "< 10 ms"));
}

// 3. Trends at scale (--trends-jobs N, default 1,000,000; --trends-store FILE, reused between runs; --trends-only skips 1 and 2).
var trendsJobs = int.Parse(args.SkipWhile(a => a != "--trends-jobs").Skip(1).FirstOrDefault() ?? "1000000", CultureInfo.InvariantCulture);
var trendsStore = args.SkipWhile(a => a != "--trends-store").Skip(1).FirstOrDefault()
    ?? Path.Combine(Path.GetTempPath(), $"fc-trends-bench-{trendsJobs}.db");
if (args.Contains("--save-cost-only")) await TrendsBench.SaveCostsAsync(rows); // the rollups' write cost alone, no store needed
else if (args.Contains("--postgres-save-cost")) // the write path alone on PostgreSQL, round trips counted
    await PostgresTrendsBench.SaveCostOnlyAsync(int.Parse(args.SkipWhile(a => a != "--save-jobs").Skip(1).FirstOrDefault() ?? "500", CultureInfo.InvariantCulture), rows);
else if (args.Contains("--postgres-trends")) // the same on PostgreSQL (issue 20): PostgresTrendsBench
    await PostgresTrendsBench.RunAsync(trendsJobs, args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault(), rows);
else if (trendsJobs > 0) await TrendsBench.RunAsync(trendsJobs, trendsStore, rows, queriesOnly: args.Contains("--trends-queries-only"));

var report = new StringBuilder();
report.AppendLine("# Benchmark report").AppendLine();
report.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(Debugger.IsAttached ? "debugger" : "no debugger")}, {Build()} build.").AppendLine();
report.AppendLine("| what | measured | target |").AppendLine("|---|---|---|");
foreach (var (what, figure, target) in rows) report.AppendLine($"| {what} | {figure} | {target} |");
Console.WriteLine(report);
if (outPath is not null) await File.WriteAllTextAsync(outPath, report.ToString());
return 0;

static IFilecheckClient Client(SandboxServer sandbox)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Filecheck:BaseUrl"] = sandbox.BaseAddress.ToString(),
        ["Filecheck:ApiKey"] = sandbox.ApiKey,
    }).Build();
    var services = new ServiceCollection().AddLogging();
    services.AddFilecheckClient(configuration);
    return services.BuildServiceProvider().GetRequiredService<IFilecheckClient>();
}

static async Task<TimeSpan> Time<T>(Func<Task<T>> action)
{
    var sw = Stopwatch.StartNew();
    await action();
    return sw.Elapsed;
}

static (string, string, string) Measure<T>(string what, Func<T> action, string target)
{
    for (var i = 0; i < 5; i++) action();
    var samples = new List<double>();
    long allocated = 0;
    for (var i = 0; i < 30; i++)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        action();
        samples.Add(sw.Elapsed.TotalMilliseconds);
        allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
    }
    return (what, $"p50 {Pct(samples, 50):0.00} ms, p95 {Pct(samples, 95):0.00} ms, {allocated / 1024.0:0} KB allocated", target);
}

static double Pct(List<double> samples, int p)
{
    var sorted = samples.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static string Build() =>
#if DEBUG
    "Debug";
#else
    "Release";
#endif
