using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// The history of a sandbox run. The sandbox generates its jobs anew at every start (new IDs, times relative to now),
/// so an earlier run's history would only hold jobs that no longer exist: each run starts a fresh <c>*.sandbox.db</c>,
/// never mixed with a real account's file. A second dashboard on the same folder gets a file of its own.
/// </summary>
public sealed class SandboxDatabase(ILogger<SandboxDatabase> logger) : IDisposable
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];
    private readonly Lock _gate = new();
    private string? _file;
    private FileStream? _lock;
    private bool _temporary;

    public string File(string configuredPath)
    {
        lock (_gate)
        {
            if (_file is not null) return _file;
            var preferred = Path.ChangeExtension(configuredPath, ".sandbox.db");
            Directory.CreateDirectory(Path.GetDirectoryName(preferred)!);
            try
            {
                // Held for the process's life: another dashboard on the same folder must not reset this one's file.
                _lock = new FileStream(preferred + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                _file = preferred;
            }
            catch (IOException)
            {
                _file = Path.ChangeExtension(configuredPath, $".sandbox-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
                _temporary = true;
            }
            // SQLite pools connections per process by connection string: an earlier host's idle ones would still point
            // at the file about to be deleted.
            ClearPool(_file);
            foreach (var suffix in Suffixes) System.IO.File.Delete(_file + suffix);
            logger.LogInformation("Sandbox mode: a fresh history at {Path}", _file);
            return _file;
        }
    }

    private static void ClearPool(string file)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(Data.DataSetup.ConnectionString(file));
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_file is not null) ClearPool(_file);
            _lock?.Dispose();
            if (!_temporary || _file is null) return;
            foreach (var suffix in Suffixes)
            {
                try { System.IO.File.Delete(_file + suffix); } catch (IOException) { }
            }
        }
    }
}
