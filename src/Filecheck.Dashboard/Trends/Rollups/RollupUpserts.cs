using System.Buffers;
using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SQLitePCL;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>
/// Adds a batch of rollup changes to one table in the caller's transaction, each touched row once: counts add up in SQL,
/// histograms merge (<see cref="DurationBuckets"/>). A row that may have dropped to nothing (a negative change) is
/// deleted if it did. One form per engine: <see cref="SqliteRollupUpserts"/>, <see cref="PostgresRollupUpserts"/>.
/// Keys are bound by position (1-based, the key columns' order); a day (<c>Day</c>, <c>Start</c>) as <c>yyyy-MM-dd</c> text.
/// </summary>
internal abstract class RollupUpserts
{
    /// <summary>A change to a histogram row: count, sum and the buckets' sparse bytes (<see cref="DurationBuckets"/>) to add.</summary>
    public readonly record struct Histogram(long Count, long Sum, byte[] Buckets, bool Shrinks);

    public static RollupUpserts For(DashboardDbContext db) => db.IsPostgres()
        ? new PostgresRollupUpserts((NpgsqlConnection)db.Database.GetDbConnection())
        : new SqliteRollupUpserts((SqliteConnection)db.Database.GetDbConnection());

    /// <summary>Counters added up per key; a row whose counters all reach zero is deleted.</summary>
    public abstract Task CountsAsync<TKey>(string table, string[] keys, string[] counters, IEnumerable<KeyValuePair<TKey, int[]>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct);

    /// <summary>Count, sum and histogram added up per key; a row left with nothing is deleted.</summary>
    public abstract Task HistogramsAsync<TKey>(string table, string[] keys, IEnumerable<KeyValuePair<TKey, Histogram>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct);
}

/// <summary>
/// SQLite: a prepared upsert per touched row on the connection's handle (<see cref="RawStatement"/>); histograms merge
/// through <c>fc_buckets_merge</c>, so no rollup row is read into memory. SQLite has one writer: no row locks to order.
/// </summary>
internal sealed class SqliteRollupUpserts(SqliteConnection connection) : RollupUpserts
{
    private bool _functions;

    public override Task CountsAsync<TKey>(string table, string[] keys, string[] counters, IEnumerable<KeyValuePair<TKey, int[]>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct)
    {
        var upsert = $"INSERT INTO {table} ({string.Join(", ", keys)}, {string.Join(", ", counters)}) VALUES ({Params(keys.Length + counters.Length)}) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", counters.Select(c => $"{c} = {c} + excluded.{c}"))}";
        var empty = string.Join(" AND ", counters.Select(c => c + " = 0"));
        Write(table, keys, upsert, empty, rows, values => Array.TrueForAll(values, v => v == 0), values => Array.Exists(values, v => v < 0),
            (statement, values) =>
            {
                for (var i = 0; i < values.Length; i++) statement.Bind(keys.Length + 1 + i, values[i]);
            }, bindKey);
        return Task.CompletedTask;
    }

    public override Task HistogramsAsync<TKey>(string table, string[] keys, IEnumerable<KeyValuePair<TKey, Histogram>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct)
    {
        if (!_functions)
        {
            RegisterFunctions(connection);
            _functions = true;
        }
        var n = keys.Length;
        var upsert = $"INSERT INTO {table} ({string.Join(", ", keys)}, Count, SumMs, Buckets) VALUES ({Params(n + 2)}, coalesce(?{n + 3}, zeroblob(0))) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET Count = Count + excluded.Count, SumMs = SumMs + excluded.SumMs, " +
            // An empty histogram comes back from the function as NULL: store it as an empty blob.
            "Buckets = coalesce(fc_buckets_merge(Buckets, excluded.Buckets), zeroblob(0))";
        const string empty = "Count = 0 AND SumMs = 0 AND coalesce(length(Buckets), 0) = 0";
        Write(table, keys, upsert, empty, rows, _ => false, h => h.Shrinks, (statement, h) =>
        {
            statement.Bind(n + 1, h.Count);
            statement.Bind(n + 2, h.Sum);
            statement.BindBlob(n + 3, h.Buckets);
        }, bindKey);
        return Task.CompletedTask;
    }

    private void Write<TKey, TValue>(string table, string[] keys, string upsert, string empty, IEnumerable<KeyValuePair<TKey, TValue>> rows,
        Func<TValue, bool> isZero, Func<TValue, bool> shrinks, Action<RawStatement, TValue> bindValues, Action<IRowBinder, TKey> bindKey)
    {
        RawStatement? write = null;
        RawStatement? prune = null;
        try
        {
            foreach (var (key, value) in rows)
            {
                if (isZero(value)) continue;
                write ??= new RawStatement(connection, upsert);
                bindKey(write, key);
                bindValues(write, value);
                write.Execute();
                if (!shrinks(value)) continue;
                prune ??= new RawStatement(connection, $"DELETE FROM {table} WHERE {string.Join(" AND ", keys.Select((k, i) => $"{k} = ?{i + 1}"))} AND {empty}");
                bindKey(prune, key);
                prune.Execute();
            }
        }
        finally
        {
            write?.Dispose();
            prune?.Dispose();
        }
    }

    private static string Params(int count) => string.Join(", ", Enumerable.Range(1, count).Select(i => $"?{i}"));

    /// <summary>
    /// <c>fc_buckets_merge(stored, change)</c>: two histograms added. Registered on the handle itself, so each call reads
    /// SQLite's bytes in place and hands back the merged ones without ADO.NET's copies of both.
    /// </summary>
    internal static void RegisterFunctions(SqliteConnection connection)
    {
        var rc = raw.sqlite3_create_function(connection.Handle, "fc_buckets_merge", 2, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, MergeFunction);
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    private static readonly delegate_function_scalar MergeFunction = (context, _, args) =>
    {
        var stored = raw.sqlite3_value_blob(args[0]);
        var change = raw.sqlite3_value_blob(args[1]);
        var buffer = ArrayPool<byte>.Shared.Rent(DurationBuckets.MergedBound(stored, change));
        try
        {
            var length = DurationBuckets.MergeBytes(stored, change, buffer);
            if (length == 0) raw.sqlite3_result_null(context);
            else raw.sqlite3_result_blob(context, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    };
}

/// <summary>
/// PostgreSQL, with several writers at once: one statement per table whatever the rows, their keys and values bound as
/// arrays (<c>unnest … WITH ORDINALITY</c>) in key order, so two saves touching the same rows lock them in the same order
/// and neither waits on the other crosswise. Counts add up by a table-qualified <c>INSERT … ON CONFLICT … DO UPDATE</c>;
/// a histogram is merged in C# under its row lock (the rows made if absent, then <c>SELECT … ORDER BY … FOR UPDATE</c>,
/// then the merged bytes written by one <c>UPDATE … FROM unnest</c>), all in the caller's transaction.
/// </summary>
internal sealed class PostgresRollupUpserts(NpgsqlConnection connection) : RollupUpserts
{
    public override async Task CountsAsync<TKey>(string table, string[] keys, string[] counters, IEnumerable<KeyValuePair<TKey, int[]>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct)
    {
        var ordered = Ordered(keys.Length, rows.Where(r => !Array.TrueForAll(r.Value, v => v == 0)), bindKey);
        if (ordered.Count == 0) return;
        var n = keys.Length;
        var upsert = $"INSERT INTO \"{table}\" ({Columns(keys)}, {Columns(counters)}) SELECT {Columns(keys)}, {Columns(counters)} " +
            $"FROM unnest({Placeholders(n + counters.Length)}) WITH ORDINALITY AS r({Columns(keys)}, {Columns(counters)}, ord) ORDER BY ord " +
            $"ON CONFLICT ({Columns(keys)}) DO UPDATE SET " + string.Join(", ", counters.Select(c => $"\"{c}\" = \"{table}\".\"{c}\" + excluded.\"{c}\""));
        await using var batch = new NpgsqlBatch(connection);
        var upsertCommand = new NpgsqlBatchCommand(upsert);
        AddKeys(upsertCommand, keys, ordered);
        for (var c = 0; c < counters.Length; c++)
        {
            var column = new long[ordered.Count];
            for (var i = 0; i < ordered.Count; i++) column[i] = ordered[i].Value[c];
            upsertCommand.Parameters.Add(new NpgsqlParameter { Value = column });
        }
        batch.BatchCommands.Add(upsertCommand);
        var shrinking = ordered.Where(r => Array.Exists(r.Value, v => v < 0)).ToList();
        if (shrinking.Count > 0)
        {
            batch.BatchCommands.Add(Prune(table, keys, shrinking, string.Join(" AND ", counters.Select(c => $"t.\"{c}\" = 0"))));
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    public override async Task HistogramsAsync<TKey>(string table, string[] keys, IEnumerable<KeyValuePair<TKey, Histogram>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct)
    {
        var ordered = Ordered(keys.Length, rows, bindKey);
        if (ordered.Count == 0) return;
        var n = keys.Length;
        var make = $"INSERT INTO \"{table}\" ({Columns(keys)}, \"Count\", \"SumMs\", \"Buckets\") SELECT {Columns(keys)}, 0, 0, ''::bytea " +
            $"FROM unnest({Placeholders(n)}) WITH ORDINALITY AS r({Columns(keys)}, ord) ORDER BY ord ON CONFLICT ({Columns(keys)}) DO NOTHING";
        var read = $"SELECT r.ord, t.\"Buckets\" FROM unnest({Placeholders(n)}) WITH ORDINALITY AS r({Columns(keys)}, ord) " +
            $"JOIN \"{table}\" t ON {Match(keys)} ORDER BY r.ord FOR UPDATE OF t";
        var update = $"UPDATE \"{table}\" t SET \"Count\" = t.\"Count\" + r.count, \"SumMs\" = t.\"SumMs\" + r.sum, \"Buckets\" = r.buckets " +
            $"FROM unnest({Placeholders(n + 3)}) AS r({Columns(keys)}, count, sum, buckets) WHERE {Match(keys)}";

        // First every row made, then all locked in key order, in one round trip; then the merged values written.
        var stored = new byte[ordered.Count][];
        await using (var locking = new NpgsqlBatch(connection))
        {
            var makeCommand = new NpgsqlBatchCommand(make);
            AddKeys(makeCommand, keys, ordered);
            var readCommand = new NpgsqlBatchCommand(read);
            AddKeys(readCommand, keys, ordered);
            locking.BatchCommands.Add(makeCommand);
            locking.BatchCommands.Add(readCommand);
            await using var reader = await locking.ExecuteReaderAsync(ct);
            do
            {
                while (await reader.ReadAsync(ct)) stored[reader.GetInt64(0) - 1] = reader.IsDBNull(1) ? [] : (byte[])reader.GetValue(1);
            }
            while (await reader.NextResultAsync(ct));
        }
        var counts = new long[ordered.Count];
        var sums = new long[ordered.Count];
        var merged = new byte[ordered.Count][];
        for (var i = 0; i < ordered.Count; i++)
        {
            var h = ordered[i].Value;
            counts[i] = h.Count;
            sums[i] = h.Sum;
            merged[i] = DurationBuckets.MergeBytes(stored[i] ?? [], h.Buckets);
        }
        await using var writing = new NpgsqlBatch(connection);
        var updateCommand = new NpgsqlBatchCommand(update);
        AddKeys(updateCommand, keys, ordered);
        updateCommand.Parameters.Add(new NpgsqlParameter { Value = counts });
        updateCommand.Parameters.Add(new NpgsqlParameter { Value = sums });
        updateCommand.Parameters.Add(new NpgsqlParameter { Value = merged });
        writing.BatchCommands.Add(updateCommand);
        var shrinking = ordered.Where(r => r.Value.Shrinks).ToList();
        if (shrinking.Count > 0)
        {
            writing.BatchCommands.Add(Prune(table, keys, shrinking, "t.\"Count\" = 0 AND t.\"SumMs\" = 0 AND length(t.\"Buckets\") = 0"));
        }
        await writing.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes those of <paramref name="rows"/> that are left with nothing (<paramref name="empty"/>, over <c>t</c>).</summary>
    private static NpgsqlBatchCommand Prune<TValue>(string table, string[] keys, List<(object[] Key, TValue Value)> rows, string empty)
    {
        var command = new NpgsqlBatchCommand(
            $"DELETE FROM \"{table}\" t USING unnest({Placeholders(keys.Length)}) AS r({Columns(keys)}) WHERE {Match(keys)} AND {empty}");
        AddKeys(command, keys, rows);
        return command;
    }

    /// <summary>
    /// One array parameter per key column, the rows in their order: numbers as <c>bigint[]</c>, text as <c>text[]</c>, a day
    /// column's <c>yyyy-MM-dd</c> text as <c>date[]</c> (EF maps <see cref="DateOnly"/> to <c>date</c> here).
    /// </summary>
    private static void AddKeys<TValue>(NpgsqlBatchCommand command, string[] keys, List<(object[] Key, TValue Value)> rows)
    {
        for (var k = 0; k < keys.Length; k++)
        {
            Array column = keys[k] is "Day" or "Start" ? new DateOnly[rows.Count]
                : rows[0].Key[k] is long ? new long[rows.Count]
                : new string[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                var value = rows[i].Key[k];
                if (column is DateOnly[] days) days[i] = DateOnly.ParseExact((string)value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                else column.SetValue(value, i);
            }
            command.Parameters.Add(new NpgsqlParameter { Value = column });
        }
    }

    /// <summary>Each row's key values as bound, sorted by them (numbers as numbers, text ordinally).</summary>
    private static List<(object[] Key, TValue Value)> Ordered<TKey, TValue>(int keyCount, IEnumerable<KeyValuePair<TKey, TValue>> rows,
        Action<IRowBinder, TKey> bindKey)
    {
        var list = new List<(object[] Key, TValue Value)>();
        foreach (var (key, value) in rows)
        {
            var binder = new CapturedRow(keyCount);
            bindKey(binder, key);
            list.Add((binder.Values, value));
        }
        list.Sort((a, b) => CompareKeys(a.Key, b.Key));
        return list;
    }

    private static int CompareKeys(object[] a, object[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var c = (a[i], b[i]) switch
            {
                (long x, long y) => x.CompareTo(y),
                (string x, string y) => string.CompareOrdinal(x, y),
                var (x, y) => string.CompareOrdinal(Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture),
                    Convert.ToString(y, System.Globalization.CultureInfo.InvariantCulture)),
            };
            if (c != 0) return c;
        }
        return 0;
    }

    private static string Columns(string[] names) => string.Join(", ", names.Select(c => $"\"{c}\""));

    private static string Placeholders(int count) => string.Join(", ", Enumerable.Range(1, count).Select(i => $"${i}"));

    /// <summary>The stored row <c>t</c> and the bound row <c>r</c> on every key column.</summary>
    private static string Match(string[] keys) => string.Join(" AND ", keys.Select(k => $"t.\"{k}\" = r.\"{k}\""));

    /// <summary>The values a key binds, in position order.</summary>
    private sealed class CapturedRow(int count) : IRowBinder
    {
        public object[] Values { get; } = new object[count];

        public void Bind(int index, long value) => Values[index - 1] = value;

        public void Bind(int index, string value) => Values[index - 1] = value;

        public void BindBlob(int index, ReadOnlySpan<byte> value) => Values[index - 1] = value.ToArray();
    }
}
