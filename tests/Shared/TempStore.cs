using Microsoft.Data.Sqlite;

namespace Filecheck.Testing;

/// <summary>
/// A test host's own history store in a temporary folder (<c>fc-…</c>), removed with the host, so that running the suite
/// again and again does not fill the machine's temporary folder (a run left about 400 MB behind).
/// </summary>
public static class TempStore
{
    /// <summary>A new <c>history.db</c> path in a new temporary folder named <paramref name="prefix"/>….</summary>
    public static string NewDatabasePath(string prefix) => Path.Combine(Directory.CreateTempSubdirectory(prefix).FullName, "history.db");

    /// <summary>
    /// Deletes the folder holding <paramref name="databasePath"/> (the history, its sandbox copy, WAL and keys) when it is a
    /// test's own: a folder named <c>fc-…</c> directly in the temporary folder. Anything else is left alone.
    /// </summary>
    public static void Delete(string? databasePath)
    {
        if (string.IsNullOrEmpty(databasePath)) return;
        var folder = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var temp = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.GetTempPath()));
        if (!folder.Name.StartsWith("fc-", StringComparison.Ordinal) || folder.Parent?.FullName != temp) return;
        // Pooled connections keep the files open: let them go first (idle ones only; other hosts open new ones as needed).
        SqliteConnection.ClearAllPools();
        try { folder.Delete(recursive: true); }
        catch (IOException) { } // a file still held only leaves the folder behind
        catch (UnauthorizedAccessException) { }
    }
}
