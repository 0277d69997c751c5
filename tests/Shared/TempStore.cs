using Microsoft.Data.Sqlite;

namespace Filecheck.Testing;

/// <summary>
/// The one temporary store of the tests: a history database in its own temporary folder (<c>fc-…</c>), removed afterwards,
/// so that running the suite again and again does not fill the machine's temporary folder (a run left about 400 MB behind).
/// Use an instance (<c>using var store = new TempStore();</c>) for a test's own file, or the static pair for a host's settings.
/// </summary>
public sealed class TempStore : IDisposable
{
    /// <summary>A new folder; <see cref="File"/> sits in a <c>data</c> folder not created yet, as a first start finds it.</summary>
    public TempStore(string prefix = "fc-history-")
    {
        Folder = Directory.CreateTempSubdirectory(prefix).FullName;
        File = Path.Combine(Folder, "data", "history.db");
    }

    public string Folder { get; }

    /// <summary>The database file's path.</summary>
    public string File { get; }

    public void Dispose() => DeleteFolder(new DirectoryInfo(Folder));

    /// <summary>A new <c>history.db</c> path in a new temporary folder named <paramref name="prefix"/>….</summary>
    public static string NewDatabasePath(string prefix) => Path.Combine(Directory.CreateTempSubdirectory(prefix).FullName, "history.db");

    /// <summary>
    /// Deletes the folder holding <paramref name="databasePath"/> (the history, its sandbox copy, WAL and keys) when it is a
    /// test's own: a folder named <c>fc-…</c> directly in the temporary folder. Anything else is left alone.
    /// </summary>
    public static void Delete(string? databasePath)
    {
        if (string.IsNullOrEmpty(databasePath)) return;
        DeleteFolder(new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(databasePath))!));
    }

    private static void DeleteFolder(DirectoryInfo folder)
    {
        var temp = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.GetTempPath()));
        if (!folder.Name.StartsWith("fc-", StringComparison.Ordinal) || folder.Parent?.FullName != temp) return;
        // Pooled connections keep the files open: let them go first (idle ones only; other hosts open new ones as needed).
        SqliteConnection.ClearAllPools();
        try { folder.Delete(recursive: true); }
        catch (IOException) { } // a file still held only leaves the folder behind
        catch (UnauthorizedAccessException) { }
    }
}
