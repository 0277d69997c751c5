using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>
/// A prepared statement on the connection's own SQLite handle (so inside its transaction), bound by position and run
/// without ADO.NET's per-execution work: a rollup save runs one upsert per touched row, hundreds per batch, where
/// <see cref="SqliteCommand"/>'s binding by name costs about as much again as SQLite's own work.
/// </summary>
internal sealed class RawStatement : IRowBinder, IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    public void BindBlob(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs a statement that returns no rows; its bindings stay for the next run.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) Check(rc);
    }

    /// <summary>Steps to the next row; false (and reset) after the last.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) Check(rc);
        return false;
    }

    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW)) SqliteException.ThrowExceptionForRC(rc, _db);
    }
}

/// <summary>Binds a row's values by position (1-based), whichever engine's statement takes them.</summary>
internal interface IRowBinder
{
    void Bind(int index, long value);

    void Bind(int index, string value);

    void BindBlob(int index, ReadOnlySpan<byte> value);
}
