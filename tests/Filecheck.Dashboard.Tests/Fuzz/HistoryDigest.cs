using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Filecheck.Dashboard.Tests.Fuzz;

/// <summary>
/// A hash of every row of every table of a SQLite file, to prove that a request changed nothing. Hashed again only when
/// another connection has committed since (SQLite's <c>PRAGMA data_version</c>), so checking after each of many requests
/// costs one pragma when nothing was written. The per-person budget windows (<c>UserWindows</c>) are left out: a budget is
/// spent by every request, a refused one too, or hostile input would be free to send without end. So is a session's
/// "last seen" (<c>Sessions.LastSeenAt</c>): written off the request's path at most once a minute, whatever was asked.
/// </summary>
public sealed class HistoryDigest : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private long _version = -1;
    private string _digest = "";

    private HistoryDigest(SqliteConnection connection) => _connection = connection;

    public static async Task<HistoryDigest> OpenAsync(string databaseFile)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString());
        await connection.OpenAsync();
        return new HistoryDigest(connection);
    }

    /// <summary>The hash of the store as it is now.</summary>
    public async Task<string> CurrentAsync()
    {
        await using (var pragma = _connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA data_version";
            var version = (long)(await pragma.ExecuteScalarAsync())!;
            if (version == _version) return _digest;
            _version = version;
        }
        _digest = await HashAsync();
        return _digest;
    }

    private async Task<string> HashAsync()
    {
        var tables = new List<string>();
        await using (var list = _connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'UserWindows' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var table in tables)
        {
            var rows = new List<string>();
            await using var select = _connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"")}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (table == "Sessions" && reader.GetName(i) == "LastSeenAt") continue;
                    var value = reader.GetValue(i);
                    row.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f');
                }
                rows.Add(row.ToString());
            }
            // Row order is not part of the content.
            rows.Sort(StringComparer.Ordinal);
            hash.AppendData(Encoding.UTF8.GetBytes(table + "\u001e" + rows.Count + "\u001e" + string.Join("\u001d", rows) + "\u001c"));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
