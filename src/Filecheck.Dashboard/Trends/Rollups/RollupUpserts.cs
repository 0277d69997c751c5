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
/// PostgreSQL, with several writers at once: rows are written in key order (two saves touching the same rows lock them in
/// the same order, so neither waits on the other crosswise), counts added up by a table-qualified
/// <c>INSERT … ON CONFLICT … DO UPDATE</c>, a histogram merged in C# under its row lock (the row made if absent, then
/// <c>SELECT … FOR UPDATE</c>, then the merged bytes written), all in the caller's transaction.
/// </summary>
internal sealed class PostgresRollupUpserts(NpgsqlConnection connection) : RollupUpserts
{
    public override async Task CountsAsync<TKey>(string table, string[] keys, string[] counters, IEnumerable<KeyValuePair<TKey, int[]>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct)
    {
        var ordered = Ordered(keys.Length, rows.Where(r => !Array.TrueForAll(r.Value, v => v == 0)), bindKey);
        if (ordered.Count == 0) return;
        var upsert = $"INSERT INTO \"{table}\" ({Columns(keys)}, {Columns(counters)}) VALUES ({Values(keys)}, " +
            $"{string.Join(", ", counters.Select((_, i) => $"${keys.Length + 1 + i}"))}) ON CONFLICT ({Columns(keys)}) DO UPDATE SET " +
            string.Join(", ", counters.Select(c => $"\"{c}\" = \"{table}\".\"{c}\" + excluded.\"{c}\""));
        var prune = $"DELETE FROM \"{table}\" WHERE {Match(keys)} AND {string.Join(" AND ", counters.Select(c => $"\"{c}\" = 0"))}";
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (key, values) in ordered)
        {
            batch.BatchCommands.Add(Command(upsert, [.. key, .. values.Select(v => (object)(long)v)]));
            if (Array.Exists(values, v => v < 0)) batch.BatchCommands.Add(Command(prune, key));
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    public override async Task HistogramsAsync<TKey>(string table, string[] keys, IEnumerable<KeyValuePair<TKey, Histogram>> rows,
        Action<IRowBinder, TKey> bindKey, CancellationToken ct)
    {
        var ordered = Ordered(keys.Length, rows, bindKey);
        if (ordered.Count == 0) return;
        var n = keys.Length;
        var make = $"INSERT INTO \"{table}\" ({Columns(keys)}, \"Count\", \"SumMs\", \"Buckets\") VALUES ({Values(keys)}, 0, 0, ''::bytea) " +
            $"ON CONFLICT ({Columns(keys)}) DO NOTHING";
        var read = $"SELECT \"Buckets\" FROM \"{table}\" WHERE {Match(keys)} FOR UPDATE";
        var update = $"UPDATE \"{table}\" SET \"Count\" = \"Count\" + ${n + 1}, \"SumMs\" = \"SumMs\" + ${n + 2}, \"Buckets\" = ${n + 3} WHERE {Match(keys)}";
        var prune = $"DELETE FROM \"{table}\" WHERE {Match(keys)} AND \"Count\" = 0 AND \"SumMs\" = 0 AND length(\"Buckets\") = 0";

        // First every row made and locked, in key order; then the merged values written.
        var stored = new List<byte[]>(ordered.Count);
        await using (var locking = new NpgsqlBatch(connection))
        {
            foreach (var (key, _) in ordered)
            {
                locking.BatchCommands.Add(Command(make, key));
                locking.BatchCommands.Add(Command(read, key));
            }
            await using var reader = await locking.ExecuteReaderAsync(ct);
            do
            {
                while (await reader.ReadAsync(ct)) stored.Add(reader.IsDBNull(0) ? [] : (byte[])reader.GetValue(0));
            }
            while (await reader.NextResultAsync(ct));
        }
        await using var writing = new NpgsqlBatch(connection);
        for (var i = 0; i < ordered.Count; i++)
        {
            var (key, h) = ordered[i];
            writing.BatchCommands.Add(Command(update, [.. key, h.Count, h.Sum, DurationBuckets.MergeBytes(stored[i], h.Buckets)]));
            if (h.Shrinks) writing.BatchCommands.Add(Command(prune, key));
        }
        await writing.ExecuteNonQueryAsync(ct);
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

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    private static string Columns(string[] names) => string.Join(", ", names.Select(c => $"\"{c}\""));

    /// <summary>The key's placeholders; a day column's text becomes a <c>date</c> (EF maps <see cref="DateOnly"/> to it here).</summary>
    private static string Values(string[] keys) => string.Join(", ", keys.Select((k, i) => Placeholder(k, i + 1)));

    private static string Match(string[] keys) => string.Join(" AND ", keys.Select((k, i) => $"\"{k}\" = {Placeholder(k, i + 1)}"));

    private static string Placeholder(string column, int position) => column is "Day" or "Start" ? $"${position}::date" : $"${position}";

    /// <summary>The values a key binds, in position order.</summary>
    private sealed class CapturedRow(int count) : IRowBinder
    {
        public object[] Values { get; } = new object[count];

        public void Bind(int index, long value) => Values[index - 1] = value;

        public void Bind(int index, string value) => Values[index - 1] = value;

        public void BindBlob(int index, ReadOnlySpan<byte> value) => Values[index - 1] = value.ToArray();
    }
}
