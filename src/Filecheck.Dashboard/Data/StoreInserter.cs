using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// Inserts many new rows of one table in the caller's transaction, values converted as EF converts them (times as Unix
/// milliseconds), a key the store numbers itself left to the store. On SQLite a prepared INSERT per row
/// (<see cref="SqliteInserter{T}"/>); on PostgreSQL one <c>COPY … FROM STDIN (FORMAT BINARY)</c> through Npgsql's binary
/// import, several times faster than INSERTs. A connection copies one table at a time: the caller hands over a table's rows together.
/// </summary>
public static class StoreInserter
{
    public static async Task InsertAsync<T>(DashboardDbContext db, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        if (db.IsPostgres())
        {
            await CopyAsync(db, (NpgsqlConnection)db.Database.GetDbConnection(), rows, ct);
            return;
        }
        using var insert = new SqliteInserter<T>(db, (SqliteConnection)db.Database.GetDbConnection(),
            (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        foreach (var row in rows) await insert.InsertAsync(row, ct);
    }

    /// <summary>The stored columns of <typeparamref name="T"/> (a key the store numbers itself left out, as EF leaves it).</summary>
    internal static List<IProperty> Columns<T>(DashboardDbContext db) =>
        db.Model.FindEntityType(typeof(T))!.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd)).ToList();

    /// <summary>A property's value as the column holds it.</summary>
    internal static object? ProviderValue(IProperty property, object entity)
    {
        var value = property.PropertyInfo!.GetValue(entity);
        return value is not null && property.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }

    private static async Task CopyAsync<T>(DashboardDbContext db, NpgsqlConnection connection, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        var columns = Columns<T>(db);
        // Binary COPY sends each value in its column's own format: the column's type is named, not guessed from the value.
        var types = columns.Select(p => StoreType(p.GetColumnType())).ToArray();
        var sql = $"COPY \"{entity.GetTableName()}\" ({string.Join(", ", columns.Select(p => $"\"{p.GetColumnName()}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(sql, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                if (ProviderValue(columns[i], row!) is { } value) await importer.WriteAsync(value, types[i], ct);
                else await importer.WriteNullAsync(ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>A column's type without its modifiers (<c>character varying(64)</c> is written as <c>character varying</c>).</summary>
    private static string StoreType(string columnType)
    {
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        return open < 0 ? columnType : columnType[..open].Trim();
    }
}
