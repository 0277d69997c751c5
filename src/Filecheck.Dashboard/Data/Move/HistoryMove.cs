using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Filecheck.Dashboard.Data.Move;

/// <summary>The move cannot begin or go on; the message says why and what to do, and nothing was changed.</summary>
public sealed class MoveRefusedException(string message) : Exception(message);

/// <summary>A table of the model and the columns copied, each with the CLR type both engines read and write it as.</summary>
public sealed record MoveTable(string Name, IReadOnlyList<MoveColumn> Columns);

public sealed record MoveColumn(string Name, Type Type);

/// <summary>How far a table is: as found when the move reaches it, then after each committed batch (<see cref="Committed"/>).</summary>
public sealed record TableProgress(string Table, long Copied, long Total, bool Committed);

/// <summary>One table on both sides at the end: rows and a content hash (independent of row order).</summary>
public sealed record TableCheck(string Table, long SourceRows, long TargetRows, string SourceHash, string TargetHash)
{
    public bool Same => SourceRows == TargetRows && SourceHash == TargetHash;
}

/// <summary>
/// Copies a SQLite history into a migrated PostgreSQL database, table by table in foreign-key order, in batches read by
/// SQLite <c>rowid</c> and written with <c>COPY … (FORMAT BINARY)</c>. Each batch commits with its table's progress row in
/// <see cref="ProgressTable"/>, so a killed move resumes after the last committed batch and never copies a row twice.
/// Every table of the model is moved: the list comes from the model, not from a list kept here.
/// </summary>
public sealed class HistoryMove : IAsyncDisposable
{
    /// <summary>The move's own bookkeeping in the target: one row per table (last rowid copied, rows, done, the source's fingerprint).</summary>
    public const string ProgressTable = "__MoveHistory";

    /// <summary>The table whose rows a fresh database may already hold: <c>migrate</c> makes the first Data Protection key.</summary>
    private const string KeysTable = "DataProtectionKeys";

    private readonly SqliteConnection _source;
    private readonly NpgsqlConnection _target;
    private readonly int _batchSize;
    private readonly Dictionary<string, long> _sourceRows;
    private readonly string _fingerprint;

    private HistoryMove(SqliteConnection source, NpgsqlConnection target, int batchSize, IReadOnlyList<MoveTable> tables,
        Dictionary<string, long> sourceRows, string fingerprint)
    {
        _source = source;
        _target = target;
        _batchSize = batchSize;
        Tables = tables;
        _sourceRows = sourceRows;
        _fingerprint = fingerprint;
    }

    /// <summary>Every table of the model, parents before children.</summary>
    public IReadOnlyList<MoveTable> Tables { get; }

    /// <summary>Rows in the source, per table.</summary>
    public IReadOnlyDictionary<string, long> SourceRows => _sourceRows;

    /// <summary>True when the target held an unfinished (or finished) move of this same source.</summary>
    public bool Resuming { get; private set; }

    /// <summary>Data Protection keys the empty target held (made by <c>migrate</c>) and the move replaced with the source's ring.</summary>
    public long KeysReplaced { get; private set; }

    /// <summary>Opens both sides and checks that the move may begin or resume; refuses (changing nothing) otherwise.</summary>
    public static async Task<HistoryMove> OpenAsync(string sourceFile, string targetConnectionString, int batchSize, CancellationToken ct)
    {
        var file = Path.GetFullPath(sourceFile);
        if (!File.Exists(file))
        {
            throw new MoveRefusedException($"No SQLite history at {file}: --from names the dashboard's file (History:DatabasePath, by default data/filecheck-dashboard.db).");
        }
        var sourceConnection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString();
        await using var sourceDb = new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(sourceConnection).Options);
        await using var targetDb = new PostgresDashboardDbContext(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(targetConnectionString).Options);

        IReadOnlyList<string> sourcePending;
        try
        {
            sourcePending = (await sourceDb.Database.GetPendingMigrationsAsync(ct)).ToList();
        }
        catch (SqliteException e)
        {
            throw new MoveRefusedException($"{file} could not be read as a SQLite history: {e.Message}");
        }
        if (sourcePending.Count == sourceDb.Database.GetMigrations().Count())
        {
            throw new MoveRefusedException($"{file} holds no dashboard history (none of its migrations is applied).");
        }
        if (sourcePending.Count > 0)
        {
            throw new MoveRefusedException(
                $"The SQLite history {file} lacks {sourcePending.Count} migration(s) of this version ({string.Join(", ", sourcePending)}): " +
                "start this version of the dashboard on it once with History:Provider=Sqlite (it brings the file up to date), stop it, then move.");
        }
        var targetPending = (await targetDb.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (targetPending.Count > 0)
        {
            var database = targetDb.Database.GetDbConnection().Database;
            throw new MoveRefusedException(
                $"The PostgreSQL database {database} is not migrated ({targetPending.Count} migration(s) pending): run `dotnet Filecheck.Dashboard.dll migrate` " +
                "with the same settings first, then move-history.");
        }

        var tables = TablesOf(targetDb.Model);
        var source = new SqliteConnection(sourceConnection);
        var target = new NpgsqlConnection(targetConnectionString);
        try
        {
            await source.OpenAsync(ct);
            await target.OpenAsync(ct);
            var rows = new Dictionary<string, long>();
            var fingerprint = new StringBuilder();
            foreach (var table in tables)
            {
                await using var count = source.CreateCommand();
                count.CommandText = $"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM {Quote(table.Name)};";
                await using var reader = await count.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                rows[table.Name] = reader.GetInt64(0);
                fingerprint.Append(CultureInfo.InvariantCulture, $"{table.Name}:{reader.GetInt64(0)}:{reader.GetInt64(1)};");
            }
            var move = new HistoryMove(source, target, batchSize, tables, rows, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint.ToString()))));
            await move.CheckTargetAsync(ct);
            return move;
        }
        catch
        {
            await source.DisposeAsync();
            await target.DisposeAsync();
            throw;
        }
    }

    /// <summary>The model's tables (every entity mapped to one), parents before the tables whose foreign keys name them.</summary>
    public static IReadOnlyList<MoveTable> TablesOf(IModel model)
    {
        var all = model.GetRelationalModel().Tables.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var ordered = new List<MoveTable>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < all.Count)
        {
            var next = all.FirstOrDefault(t => !placed.Contains(t.Name)
                && t.ForeignKeyConstraints.All(fk => fk.PrincipalTable.Name == t.Name || placed.Contains(fk.PrincipalTable.Name)))
                ?? throw new InvalidOperationException("The model's foreign keys form a cycle; move-history cannot order its tables.");
            placed.Add(next.Name);
            ordered.Add(new MoveTable(next.Name, next.Columns.OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => new MoveColumn(c.Name, Nullable.GetUnderlyingType(c.ProviderClrType) ?? c.ProviderClrType)).ToList()));
        }
        return ordered;
    }

    /// <summary>A fresh move needs an empty target (a key made by <c>migrate</c> aside); a resumed one, the same source.</summary>
    private async Task CheckTargetAsync(CancellationToken ct)
    {
        if (await ScalarAsync<bool>($"SELECT to_regclass('{Quote(ProgressTable)}') IS NOT NULL", ct))
        {
            var sources = new List<string>();
            await using (var read = new NpgsqlCommand($"SELECT DISTINCT \"Source\" FROM {Quote(ProgressTable)}", _target))
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) sources.Add(reader.GetString(0));
            }
            if (sources.Count > 0 && sources.All(s => s == _fingerprint))
            {
                Resuming = true;
                return;
            }
            if (sources.Count > 0)
            {
                throw new MoveRefusedException(
                    $"The PostgreSQL database {_target.Database} holds a move of another SQLite history, or of this one before it changed " +
                    "(a dashboard still writing to it?). Stop every dashboard on the SQLite file, then move into a new database: create it, run `migrate`, then `move-history`.");
            }
        }
        var held = new List<string>();
        foreach (var table in Tables.Where(t => t.Name != KeysTable))
        {
            var rows = await ScalarAsync<long>($"SELECT COUNT(*) FROM {Quote(table.Name)}", ct);
            if (rows > 0) held.Add($"{table.Name} {rows:N0}");
        }
        if (held.Count > 0)
        {
            throw new MoveRefusedException(
                $"The PostgreSQL database {_target.Database} already holds a history ({string.Join(", ", held.Take(5))}{(held.Count > 5 ? ", …" : "")}) " +
                "that no move-history began: move into an empty database (create it, run `migrate`, then `move-history`).");
        }
    }

    /// <summary>Copies every table, batch by batch, from where an earlier run stopped; then sets the identity sequences past the rows copied.</summary>
    /// <param name="rowsPerSecond">A ceiling on the copy's pace, to spare a target that serves other work (null: as fast as it goes).</param>
    public async Task CopyAsync(Action<TableProgress> progress, CancellationToken ct, int? rowsPerSecond = null)
    {
        if (!Resuming) await BeginAsync(ct);
        var pace = System.Diagnostics.Stopwatch.StartNew();
        long copiedThisRun = 0;
        foreach (var table in Tables)
        {
            var (lastRowId, copied, done) = await ProgressOfAsync(table.Name, ct);
            var total = _sourceRows[table.Name];
            progress(new TableProgress(table.Name, copied, total, Committed: false));
            while (!done)
            {
                var batch = await ReadBatchAsync(table, lastRowId, ct);
                done = batch.Count < _batchSize;
                if (batch.Count > 0) lastRowId = batch[^1].RowId;
                copied += batch.Count;
                await WriteBatchAsync(table, batch, lastRowId, copied, done, ct);
                progress(new TableProgress(table.Name, copied, total, Committed: true));
                copiedThisRun += batch.Count;
                if (rowsPerSecond is > 0 && TimeSpan.FromSeconds((double)copiedThisRun / rowsPerSecond.Value) - pace.Elapsed is { Ticks: > 0 } ahead)
                    await Task.Delay(ahead, ct);
            }
        }
        await ResetIdentitiesAsync(ct);
    }

    private async Task BeginAsync(CancellationToken ct)
    {
        await using var tx = await _target.BeginTransactionAsync(ct);
        await ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Quote(ProgressTable)} (\"Table\" text PRIMARY KEY, \"LastRowId\" bigint NOT NULL, " +
            "\"Rows\" bigint NOT NULL, \"Done\" boolean NOT NULL, \"Source\" text NOT NULL)", ct);
        // The key ring comes with the history (cookies and share approvals it sealed); the key migrate made sealed nothing yet.
        KeysReplaced = await ExecuteAsync($"DELETE FROM {Quote(KeysTable)}", ct);
        foreach (var table in Tables)
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {Quote(ProgressTable)} VALUES (@table, 0, 0, false, @source)", _target);
            insert.Parameters.AddWithValue("table", table.Name);
            insert.Parameters.AddWithValue("source", _fingerprint);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private async Task<(long LastRowId, long Copied, bool Done)> ProgressOfAsync(string table, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand($"SELECT \"LastRowId\", \"Rows\", \"Done\" FROM {Quote(ProgressTable)} WHERE \"Table\" = @table", _target);
        read.Parameters.AddWithValue("table", table);
        await using var reader = await read.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new MoveRefusedException($"The move's record in {ProgressTable} has no row for {table}: move into a new database.");
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
    }

    private sealed record SourceRow(long RowId, object?[] Values);

    private async Task<List<SourceRow>> ReadBatchAsync(MoveTable table, long afterRowId, CancellationToken ct)
    {
        await using var select = _source.CreateCommand();
        select.CommandText = $"SELECT rowid, {Columns(table)} FROM {Quote(table.Name)} WHERE rowid > $after ORDER BY rowid LIMIT $limit;";
        select.Parameters.AddWithValue("$after", afterRowId);
        select.Parameters.AddWithValue("$limit", _batchSize);
        var rows = new List<SourceRow>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++) values[i] = Read(reader, i + 1, table.Columns[i]);
            rows.Add(new SourceRow(reader.GetInt64(0), values));
        }
        return rows;
    }

    /// <summary>The batch and the table's progress in one transaction: a kill loses the batch and its progress together.</summary>
    private async Task WriteBatchAsync(MoveTable table, List<SourceRow> batch, long lastRowId, long copied, bool done, CancellationToken ct)
    {
        await using var tx = await _target.BeginTransactionAsync(ct);
        if (batch.Count > 0)
        {
            await using var import = await _target.BeginBinaryImportAsync($"COPY {Quote(table.Name)} ({Columns(table)}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in batch)
            {
                await import.StartRowAsync(ct);
                for (var i = 0; i < row.Values.Length; i++) await WriteAsync(import, row.Values[i], ct);
            }
            await import.CompleteAsync(ct);
        }
        await using (var update = new NpgsqlCommand(
            $"UPDATE {Quote(ProgressTable)} SET \"LastRowId\" = @last, \"Rows\" = @rows, \"Done\" = @done WHERE \"Table\" = @table", _target))
        {
            update.Parameters.AddWithValue("last", lastRowId);
            update.Parameters.AddWithValue("rows", copied);
            update.Parameters.AddWithValue("done", done);
            update.Parameters.AddWithValue("table", table.Name);
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Identity columns were written with their values: the next row the dashboard adds must come after them.</summary>
    private async Task ResetIdentitiesAsync(CancellationToken ct)
    {
        var identities = new List<(string Table, string Column)>();
        await using (var find = new NpgsqlCommand(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'", _target))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) identities.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (table, column) in identities.Where(i => Tables.Any(t => t.Name == i.Table)))
        {
            await ExecuteAsync($"SELECT setval(pg_get_serial_sequence('{Quote(table)}', '{column}'), " +
                $"(SELECT COALESCE(MAX({Quote(column)}), 0) FROM {Quote(table)}) + 1, false)", ct);
        }
    }

    /// <summary>Every table's rows and content hash on both sides.</summary>
    public async Task<IReadOnlyList<TableCheck>> VerifyAsync(CancellationToken ct)
    {
        var checks = new List<TableCheck>();
        foreach (var table in Tables)
        {
            var (sourceRows, sourceHash) = await HashAsync(_source, table, ct);
            var (targetRows, targetHash) = await HashAsync(_target, table, ct);
            checks.Add(new TableCheck(table.Name, sourceRows, targetRows, sourceHash, targetHash));
        }
        return checks;
    }

    /// <summary>
    /// The rows of a table, hashed one by one in a form both engines give alike (the column's CLR value, written out
    /// invariantly), and the row hashes summed: the order each engine returns rows in does not matter.
    /// </summary>
    public static async Task<(long Rows, string Hash)> HashAsync(DbConnection connection, MoveTable table, CancellationToken ct)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns(table)} FROM {Quote(table.Name)}";
        await using var reader = await select.ExecuteReaderAsync(ct);
        ulong high = 0, low = 0;
        long rows = 0;
        var text = new StringBuilder();
        var digest = new byte[32];
        while (await reader.ReadAsync(ct))
        {
            text.Clear();
            for (var i = 0; i < table.Columns.Count; i++) AppendCanonical(text, Read(reader, i, table.Columns[i]));
            SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), digest);
            var rowHigh = BitConverter.ToUInt64(digest, 0);
            var rowLow = BitConverter.ToUInt64(digest, 8);
            low += rowLow;
            high += rowHigh + (low < rowLow ? 1UL : 0UL);
            rows++;
        }
        return (rows, high.ToString("x16", CultureInfo.InvariantCulture) + low.ToString("x16", CultureInfo.InvariantCulture));
    }

    private static void AppendCanonical(StringBuilder text, object? value)
    {
        var written = value switch
        {
            null => null,
            bool b => b ? "1" : "0",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToBase64String(bytes),
            DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        // Length-prefixed, so that no two rows of different values write the same text.
        if (written is null) text.Append("-|");
        else text.Append(written.Length).Append(':').Append(written).Append('|');
    }

    private static object? Read(DbDataReader reader, int ordinal, MoveColumn column)
    {
        if (reader.IsDBNull(ordinal)) return null;
        var t = column.Type;
        if (t == typeof(long)) return reader.GetInt64(ordinal);
        if (t == typeof(int)) return reader.GetInt32(ordinal);
        if (t == typeof(short)) return reader.GetInt16(ordinal);
        if (t == typeof(bool)) return reader.GetBoolean(ordinal);
        if (t == typeof(double)) return reader.GetDouble(ordinal);
        if (t == typeof(float)) return reader.GetFloat(ordinal);
        if (t == typeof(string)) return reader.GetString(ordinal);
        if (t == typeof(byte[])) return reader.GetFieldValue<byte[]>(ordinal);
        if (t == typeof(DateOnly)) return reader.GetFieldValue<DateOnly>(ordinal);
        throw new NotSupportedException($"move-history does not copy {t.Name} columns yet ({column.Name}): add it to HistoryMove.Read and WriteAsync.");
    }

    private static Task WriteAsync(NpgsqlBinaryImporter import, object? value, CancellationToken ct) => value switch
    {
        null => import.WriteNullAsync(ct),
        long v => import.WriteAsync(v, NpgsqlDbType.Bigint, ct),
        int v => import.WriteAsync(v, NpgsqlDbType.Integer, ct),
        short v => import.WriteAsync(v, NpgsqlDbType.Smallint, ct),
        bool v => import.WriteAsync(v, NpgsqlDbType.Boolean, ct),
        double v => import.WriteAsync(v, NpgsqlDbType.Double, ct),
        float v => import.WriteAsync(v, NpgsqlDbType.Real, ct),
        string v => import.WriteAsync(v, NpgsqlDbType.Text, ct),
        byte[] v => import.WriteAsync(v, NpgsqlDbType.Bytea, ct),
        DateOnly v => import.WriteAsync(v, NpgsqlDbType.Date, ct),
        _ => throw new NotSupportedException($"move-history does not write {value.GetType().Name} values yet."),
    };

    private static string Columns(MoveTable table) => string.Join(", ", table.Columns.Select(c => Quote(c.Name)));

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _target);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(ct))!, typeof(T), CultureInfo.InvariantCulture);
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _target);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }
}
