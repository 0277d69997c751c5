using Filecheck.Dashboard.Data;
using Filecheck.Testing;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// One test's own store on either engine: a SQLite file in its own temporary folder, or a fresh database on the run's
/// PostgreSQL cluster; removed afterwards. The same settings given to two hosts reach the same store.
/// </summary>
public sealed class EngineStore : IAsyncDisposable
{
    private readonly TempStore _file = new("fc-store-");
    private readonly string? _postgres;

    private EngineStore(string? postgres) => _postgres = postgres;

    /// <summary>A new empty store on PostgreSQL when <paramref name="postgres"/>, else on SQLite.</summary>
    public static async Task<EngineStore> NewAsync(bool postgres) =>
        new(postgres ? await PostgresCluster.Shared.CreateDatabaseAsync() : null);

    public string File => _file.File;

    /// <summary>Adds the store's settings to a host's (<paramref name="settings"/>, returned).</summary>
    public Dictionary<string, string?> On(Dictionary<string, string?> settings)
    {
        settings[$"{StoreOptions.Section}:DatabasePath"] = File;
        if (_postgres is null) return settings;
        settings[StoreOptions.ProviderKey] = nameof(StoreEngine.Postgres);
        settings[StoreOptions.ConnectionStringKey] = _postgres;
        return settings;
    }

    /// <summary>The settings that put a host on a PostgreSQL database.</summary>
    public static Dictionary<string, string?> OnPostgres(string connectionString, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings[StoreOptions.ProviderKey] = nameof(StoreEngine.Postgres);
        settings[StoreOptions.ConnectionStringKey] = connectionString;
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await PostgresCluster.Shared.DropDatabaseAsync(_postgres);
            RemoveReadAuditFolder(_postgres);
        }
        _file.Dispose();
    }

    /// <summary>
    /// Removes the read audit's folder a host on this database left in the repository's data folder (on PostgreSQL it
    /// waits in the content root's data folder, not beside a file).
    /// </summary>
    public static void RemoveReadAuditFolder(string connectionString)
    {
        var options = new StoreOptions { Provider = nameof(StoreEngine.Postgres), ConnectionString = connectionString };
        var folder = ReadAuditFolder.For(options, Filecheck.Dashboard.DashboardPaths.FindRepositoryRoot()!).Path;
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { } // a file still held only leaves the folder behind
    }
}
