namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// The history of a sandbox run. The sandbox generates its jobs anew at every start (new IDs, times relative to now),
/// so an earlier run's history would only hold jobs that no longer exist: each run starts a fresh <c>*.sandbox.db</c>,
/// never mixed with a real account's file. A second dashboard on the same folder gets a file of its own.
/// </summary>
public sealed class SandboxDatabase : IDisposable
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];
    private readonly FileStream? _lock;
    private readonly bool _temporary;
    private int _disposed;

    /// <param name="configuredPath">The store's configured file (full path): the sandbox's sits beside it.</param>
    public SandboxDatabase(string configuredPath)
    {
        var preferred = System.IO.Path.ChangeExtension(configuredPath, ".sandbox.db");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(preferred)!);
        try
        {
            // Held for the run's life: another dashboard on the same folder must not reset this one's file.
            _lock = new FileStream(preferred + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            Path = preferred;
        }
        catch (IOException)
        {
            Path = System.IO.Path.ChangeExtension(configuredPath, $".sandbox-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
            _temporary = true;
        }
        // SQLite pools connections per process by connection string: an earlier host's idle ones would still point
        // at the file about to be deleted.
        ClearPool(Path);
        foreach (var suffix in Suffixes) File.Delete(Path + suffix);
    }

    public string Path { get; }

    private static void ClearPool(string file)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(Data.DataSetup.ConnectionString(file));
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        ClearPool(Path);
        _lock?.Dispose();
        if (!_temporary) return;
        foreach (var suffix in Suffixes)
        {
            try { File.Delete(Path + suffix); } catch (IOException) { }
        }
    }
}
