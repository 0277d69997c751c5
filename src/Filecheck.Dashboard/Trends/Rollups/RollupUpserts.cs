using System.Buffers;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>
/// Adds a batch of rollup changes to one table, a prepared upsert per touched row on the connection's handle
/// (<see cref="RawStatement"/>): counts add up in SQL, histograms merge through <c>fc_buckets_merge</c>, so no rollup
/// row is read into memory. A row that may have dropped to nothing (a negative change) is deleted if it did.
/// </summary>
internal sealed class RollupUpserts(SqliteConnection connection)
{
    /// <summary>A change to a histogram row: count, sum and the buckets' sparse bytes (<see cref="DurationBuckets"/>) to add.</summary>
    public readonly record struct Histogram(long Count, long Sum, byte[] Buckets, bool Shrinks);

    private bool _functions;

    /// <summary>Counters added up per key; a row whose counters all reach zero is deleted.</summary>
    public void Counts<TKey>(string table, string[] keys, string[] counters, IEnumerable<KeyValuePair<TKey, int[]>> rows,
        Action<RawStatement, TKey> bindKey)
    {
        var upsert = $"INSERT INTO {table} ({string.Join(", ", keys)}, {string.Join(", ", counters)}) VALUES ({Params(keys.Length + counters.Length)}) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", counters.Select(c => $"{c} = {c} + excluded.{c}"))}";
        var empty = string.Join(" AND ", counters.Select(c => c + " = 0"));
        Write(table, keys, upsert, empty, rows, values => Array.TrueForAll(values, v => v == 0), values => Array.Exists(values, v => v < 0),
            (statement, values) =>
            {
                for (var i = 0; i < values.Length; i++) statement.Bind(keys.Length + 1 + i, values[i]);
            }, bindKey);
    }

    /// <summary>Count, sum and histogram added up per key; a row left with nothing is deleted.</summary>
    public void Histograms<TKey>(string table, string[] keys, IEnumerable<KeyValuePair<TKey, Histogram>> rows, Action<RawStatement, TKey> bindKey)
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
    }

    private void Write<TKey, TValue>(string table, string[] keys, string upsert, string empty, IEnumerable<KeyValuePair<TKey, TValue>> rows,
        Func<TValue, bool> isZero, Func<TValue, bool> shrinks, Action<RawStatement, TValue> bindValues, Action<RawStatement, TKey> bindKey)
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
