using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Filecheck.Dashboard.Data;

/// <summary>An INSERT of every stored column of <typeparamref name="T"/>, values converted as EF converts them (times as Unix milliseconds).</summary>
public sealed class SqliteInserter<T> : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly List<(IProperty Property, SqliteParameter Parameter)> _columns = [];

    public SqliteInserter(DashboardDbContext db, SqliteConnection connection, SqliteTransaction transaction)
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        // A key the store numbers itself (snapshots) is left to SQLite, as EF leaves it.
        var properties = StoreInserter.Columns<T>(db);
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = $"INSERT INTO \"{entity.GetTableName()}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) " +
            $"VALUES ({string.Join(", ", properties.Select((_, i) => "$p" + i))})";
        for (var i = 0; i < properties.Count; i++)
        {
            _columns.Add((properties[i], _command.Parameters.Add(new SqliteParameter("$p" + i, null))));
        }
        _command.Prepare();
    }

    public Task InsertAsync(T entity, CancellationToken ct)
    {
        foreach (var (property, parameter) in _columns) parameter.Value = StoreInserter.ProviderValue(property, entity!) ?? DBNull.Value;
        return _command.ExecuteNonQueryAsync(ct);
    }

    public void Dispose() => _command.Dispose();
}
