using System.Net;
using Filecheck.Dashboard;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Filecheck.Dashboard.Sandbox;

namespace Filecheck.EndToEnd.Tests.Support;

/// <summary>The dashboard on real Kestrel at 127.0.0.1, on its built-in sandbox API, exactly as the run command starts it.</summary>
public sealed class DashboardHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IWebHostBuilder>? _configure;

    /// <param name="configure">Test-only additions to the host, after the settings (a capturing logger, a recording HTTP handler, ...).</param>
    public DashboardHost(Dictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        _configure = configure;
        _settings = new Dictionary<string, string?>
        {
            ["Sandbox:JobCount"] = "300",
            ["Sandbox:Seed"] = "7",
            // A fresh history per host, never the repository's data folder.
            ["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-e2e-"),
        };
        foreach (var (key, value) in settings ?? []) _settings[key] = value;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>The in-process sandbox the dashboard talks to, so tests can make running jobs or switch faults on.</summary>
    public Filecheck.Sandbox.SandboxServer Sandbox => Services.GetRequiredService<SandboxRun>().Server;

    private SandboxRun? _sandbox;

    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1") + "/");
    }

    /// <summary>The sandbox's history is synced with its budgets lifted: wait until every finished job has its details.</summary>
    public async Task WaitForSyncedHistoryAsync()
    {
        var store = Services.GetRequiredService<Filecheck.Dashboard.History.HistoryReads>();
        // Generous: the machine running the tests may be busy; on an idle one this takes a few seconds.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var counts = await store.CountsAsync();
            if (counts.Terminal > 0 && counts.DetailsPending == 0) return;
            // An exception, not an assertion: the load bench runs this host outside a test too.
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"the sync did not finish: {counts}");
            await Task.Delay(250);
        }
    }

    /// <summary>The host, then its own history folder (a test's <c>fc-…</c> temporary folder; any other path is kept).</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sandbox is not null) await _sandbox.DisposeAsync();
        Filecheck.Testing.TempStore.Delete(_settings.GetValueOrDefault("History:DatabasePath"));
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseContentRoot(RepositoryRoot());
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        // The sandbox starts here, before Program builds its host (WebApplicationFactory takes the first one built there).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_settings).Build();
        if (SandboxRun.IsWanted(configuration, "Development"))
        {
            _sandbox ??= Task.Run(() => SandboxRun.StartAsync(configuration, RepositoryRoot())).GetAwaiter().GetResult();
            builder.UseSandbox(_sandbox);
        }
        _configure?.Invoke(builder);
    }

    public static string RepositoryRoot() =>
        DashboardPaths.FindRepositoryRoot() ?? throw new InvalidOperationException("The repository root (with Filecheck.Dashboard.sln) was not found.");
}
