using System.Diagnostics;
using Filecheck.Dashboard.History;
using Filecheck.EndToEnd.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Figures;

/// <summary>
/// The history sync ingesting a sandbox of <paramref name="jobs"/> jobs through the real path (the list and every
/// job's details over HTTP, rows and rollups written) into a fresh SQLite store: jobs a second from the host's start
/// until every finished job has its details, and the store's size per 1,000 jobs. A host of its own.
/// </summary>
public sealed class SyncMeasurement(int jobs) : IMeasurement
{
    public string Name => "sync";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var store = Path.Combine(context.DataFolder, $"sync-{Guid.NewGuid():N}", "history.db");
        Directory.CreateDirectory(Path.GetDirectoryName(store)!);
        try
        {
            var clock = Stopwatch.StartNew();
            double seconds;
            long held;
            await using (var host = new DashboardHost(new()
                   {
                       ["Sandbox:JobCount"] = jobs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                       ["Sandbox:RunningJobs"] = "0",
                       ["History:DatabasePath"] = store,
                       ["Logging:LogLevel:Default"] = "Warning",
                   }))
            {
                host.Start();
                await host.WaitForSyncedHistoryAsync();
                seconds = clock.Elapsed.TotalSeconds;
                held = (await host.Services.GetRequiredService<HistoryReads>().CountsAsync()).Terminal;
            }
            var bytes = Directory.GetFiles(Path.GetDirectoryName(store)!).Sum(f => new FileInfo(f).Length);
            return
            [
                new Figure("sync", $"history sync, {jobs:#,0} sandbox jobs into SQLite", held / seconds, "jobs/s")
                {
                    Target = 1000, Goal = Goal.AtLeast, Note = $"{held:#,0} finished jobs with details in {seconds:0.0} s from the host's start",
                },
                new Figure("sync", "store size per 1,000 jobs (SQLite)", bytes / 1024.0 / 1024 / (held / 1000.0), "MB"),
            ];
        }
        finally
        {
            try { Directory.Delete(Path.GetDirectoryName(store)!, recursive: true); } catch (IOException) { }
        }
    }
}
