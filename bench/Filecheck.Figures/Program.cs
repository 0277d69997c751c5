using System.Diagnostics;
using System.Globalization;
using Filecheck.Figures;

/// <summary>
/// <c>bench/run</c>: every figure a person waits for, beside the floor it is compared with, measured in one run against
/// the dashboard and its sandbox over loopback. Writes results.json and report.md; prints one table.
/// A class of its own name: the dashboard's <c>Program</c> is the one its host starts.
/// </summary>
internal static class FiguresRun
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [CircuitClients.Flag, var page, var drawnText]) return await CircuitClients.RunAsync(new Uri(page), drawnText);
        string results = "bench/results.json", report = "bench/report.md", commit = "unknown";
        var data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "filecheck-bench");
        var quick = false;
        var trendsJobs = 50_000; // 1,000,000 only when asked (--trends-jobs 1000000): its first fill alone takes more than the 15 minutes
        int? syncJobs = null;
        double? capacityMinutes = null;
        HashSet<string>? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--results" when i + 1 < args.Length: results = args[++i]; break;
                case "--report" when i + 1 < args.Length: report = args[++i]; break;
                case "--commit" when i + 1 < args.Length: commit = args[++i]; break;
                case "--data" when i + 1 < args.Length: data = args[++i]; break;
                case "--only" when i + 1 < args.Length: only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--quick": quick = true; break;
                case "--trends-jobs" when i + 1 < args.Length: trendsJobs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--sync-jobs" when i + 1 < args.Length: syncJobs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--capacity-minutes" when i + 1 < args.Length: capacityMinutes = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'. Options: --only page,memory,..., --quick, --trends-jobs N, --sync-jobs N, --capacity-minutes N, --results FILE, --report FILE, --commit SHA, --data DIR.");
                    return 2;
            }
        }
        Directory.CreateDirectory(data);
        var clock = Stopwatch.StartNew();
        var figures = new List<Figure>();
        var errors = new List<string>();
        await using (var context = await BenchContext.StartAsync(quick, data, trendsJobs, syncJobs, capacityMinutes))
        {
            Console.WriteLine($"Host and Chromium ready in {clock.Elapsed.TotalSeconds:0.0} s.");
            foreach (var measurement in Measurements.All(context))
            {
                if (only is not null && !only.Contains(measurement.Name)) continue;
                var started = clock.Elapsed;
                Console.WriteLine($"{measurement.Name} ...");
                try
                {
                    var measured = await measurement.RunAsync(context);
                    figures.AddRange(measured);
                    Console.WriteLine($"{measurement.Name}: {measured.Count} figures in {(clock.Elapsed - started).TotalSeconds:0} s.");
                    // Written after each part too: a run stopped midway keeps what it measured.
                    Results.Write(results, report, new RunInfo(Machine.Describe(), DateTimeOffset.UtcNow, commit, clock.Elapsed, quick, errors), figures);
                }
                catch (Exception ex)
                {
                    errors.Add($"{measurement.Name}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
                    Console.Error.WriteLine(errors[^1]);
                }
            }
        }
        var run = new RunInfo(Machine.Describe(), DateTimeOffset.UtcNow, commit, clock.Elapsed, quick, errors);
        Results.Write(results, report, run, figures);
        Console.WriteLine(Results.Table(figures));
        Console.WriteLine($"{figures.Count} figures, {errors.Count} errors, {clock.Elapsed.TotalMinutes:0.0} min; {results}, {report}.");
        return errors.Count == 0 ? 0 : 1;
    }
}
