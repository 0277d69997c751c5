using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// A sandbox (<see cref="SandboxFixture"/>: 300 jobs, a standing clock) synced once, over HTTP, into a store of the
/// class's own, for test classes that only read it: on a SQLite file, or on a fresh PostgreSQL database
/// (<see cref="PostgresSyncedHistory"/>). Steps are kept whatever their age.
/// </summary>
public class SyncedHistory : IAsyncLifetime
{
    private EngineStore? _store;

    public SyncedHistory() : this(postgres: false)
    {
    }

    protected SyncedHistory(bool postgres) => OnPostgres = postgres;

    public bool OnPostgres { get; }

    public SandboxFixture Sandbox { get; } = new();

    /// <summary>The history feature on the synced store.</summary>
    public HistoryHost Host { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Sandbox.InitializeAsync();
        _store = await EngineStore.NewAsync(OnPostgres);
        Host = await SyncAsync(Sandbox, _store);
    }

    /// <summary>A history host on <paramref name="store"/> with every job of <paramref name="sandbox"/> synced into it.</summary>
    public static async Task<HistoryHost> SyncAsync(SandboxFixture sandbox, EngineStore store, Action<Dictionary<string, string?>>? change = null)
    {
        var host = await HistoryHost.StartAsync(sandbox.Server, store.File, s =>
        {
            store.On(s);
            s["History:Retention:StepDetailsAge"] = "";
            change?.Invoke(s);
        });
        var result = await host.Get<HistorySyncRunner>().RunOnceAsync();
        Assert.True(result.Completed, result.Failure?.Message);
        return host;
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

/// <summary>The same synced history on a fresh PostgreSQL database of the run's cluster.</summary>
public sealed class PostgresSyncedHistory() : SyncedHistory(postgres: true);
