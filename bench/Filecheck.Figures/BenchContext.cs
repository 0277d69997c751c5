using System.Collections.Concurrent;
using System.Diagnostics;
using Filecheck.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Filecheck.Figures;

/// <summary>
/// What every measurement shares: the dashboard on real Kestrel over loopback with its sandbox (Release build, in this
/// process, so its heap can be read), one Chromium with a signed-in staff member, the open circuits counted, and an
/// endpoint serving a static copy of a drawn page (the floor a page is compared with).
/// </summary>
public sealed class BenchContext : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private BenchContext(DashboardHost host, IPlaywright playwright, IBrowser chromium, IBrowserContext staff, CircuitCounter circuits, StaticPages statics)
    {
        Host = host;
        _playwright = playwright;
        Chromium = chromium;
        Staff = staff;
        Circuits = circuits;
        Statics = statics;
    }

    public DashboardHost Host { get; }
    public IBrowser Chromium { get; }
    /// <summary>Signed in as the demo staff member; every new page is a new tab of this browser.</summary>
    public IBrowserContext Staff { get; }
    public CircuitCounter Circuits { get; }
    public StaticPages Statics { get; }
    public bool Quick { get; init; }
    public string DataFolder { get; init; } = "";
    /// <summary>Jobs in the trends store (50,000 by default, 1,000,000 when asked; filled once and kept in the data folder).</summary>
    public int TrendsJobs { get; init; } = 50_000;
    /// <summary>Jobs in the sync's sandbox when asked (<c>--sync-jobs</c>); else 10,000 (5,000 with --quick).</summary>
    public int? SyncJobs { get; init; }
    /// <summary>The capacity's stepping, at most (<c>--capacity-minutes</c>); else 6 minutes (1.5 with --quick).</summary>
    public double? CapacityMinutes { get; init; }

    public static async Task<BenchContext> StartAsync(bool quick, string dataFolder, int trendsJobs, int? syncJobs, double? capacityMinutes)
    {
        var circuits = new CircuitCounter();
        var statics = new StaticPages();
        var host = new DashboardHost(new()
        {
            // The bench is one person opening many pages from 127.0.0.1: the per-person limits would measure themselves.
            ["Limits:LookupsPerMinute"] = "1000000",
            ["Limits:ProofsPerMinute"] = "1000000",
            ["Limits:RawJsonPerMinute"] = "1000000",
            ["Sharing:RequestsPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Sandbox:HugeJob"] = "true",
        }, builder =>
        {
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureServices(services =>
            {
                services.AddSingleton(circuits);
                services.AddScoped<CircuitHandler>(_ => new CountingHandler(circuits));
                services.AddSingleton(statics);
                services.AddSingleton<IStartupFilter>(new StaticPagesFilter(statics));
            });
        });
        host.Start();
        // The history sync of the sandbox's jobs first: its allocations would blur the memory figures.
        await host.WaitForSyncedHistoryAsync();
        var playwright = await Playwright.CreateAsync();
        var chromium = await Browser.LaunchPlainAsync(playwright);
        var staff = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        staff.SetDefaultTimeout(60_000);
        var page = await staff.NewPageAsync();
        await page.SignInAsync(host.BaseAddress, "staff");
        await page.CloseAsync();
        return new BenchContext(host, playwright, chromium, staff, circuits, statics) { Quick = quick, DataFolder = dataFolder, TrendsJobs = trendsJobs, SyncJobs = syncJobs, CapacityMinutes = capacityMinutes };
    }

    public string Url(string path) => new Uri(Host.BaseAddress, path.TrimStart('/')).ToString();

    /// <summary>Managed heap after a full, compacting collection, and the process's working set, in bytes.</summary>
    public static (long Heap, long WorkingSet) Memory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return (heap, self.WorkingSet64);
    }

    /// <summary>
    /// The managed heap after one full, compacting collection: what a step of thousands of circuits can afford (three
    /// collections of a heap of gigabytes pause the server long enough for clients to time out).
    /// </summary>
    public static (long Heap, long WorkingSet) MemoryOnce()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return (GC.GetTotalMemory(forceFullCollection: false), self.WorkingSet64);
    }

    /// <summary>Waits until the open circuits are at most <paramref name="count"/>; false when they are not within the time.</summary>
    public async Task<bool> WaitForCircuitsAsync(int count, TimeSpan within)
    {
        var end = DateTime.UtcNow + within;
        while (Circuits.Open > count)
        {
            if (DateTime.UtcNow > end) return false;
            await Task.Delay(100);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await Staff.CloseAsync();
        await Chromium.CloseAsync();
        _playwright.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The circuits open right now (connected or kept for reconnection), counted by a circuit handler.</summary>
public sealed class CircuitCounter
{
    private int _open;
    public int Open => Volatile.Read(ref _open);
    internal void Opened() => Interlocked.Increment(ref _open);
    internal void Closed() => Interlocked.Decrement(ref _open);
}

internal sealed class CountingHandler(CircuitCounter counter) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed();
        return Task.CompletedTask;
    }
}

/// <summary>Static HTML pages by name, served at <c>/_bench/static/NAME</c> by the dashboard's own Kestrel.</summary>
public sealed class StaticPages
{
    public const string Prefix = "/_bench/static/";
    private readonly ConcurrentDictionary<string, string> _pages = new();
    public string Put(string name, string html)
    {
        _pages[name] = html;
        return Prefix + name;
    }
    public string? Get(string name) => _pages.GetValueOrDefault(name);
}

internal sealed class StaticPagesFilter(StaticPages pages) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith(StaticPages.Prefix, StringComparison.Ordinal) && pages.Get(path[StaticPages.Prefix.Length..]) is { } html)
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(html);
                return;
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
