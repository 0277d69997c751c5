using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// One person's count in one budget (lookups a minute, checks an hour, uploads in flight): a row of the store, so that
/// every instance on one database counts the same budget.
/// </summary>
public sealed class UserWindow
{
    /// <summary>The budget and the person: <c>lookups:user:oid-1</c>, <c>checks:oid-1</c>, <c>paid:oid-1:upload_…</c>.</summary>
    public required string Key { get; set; }
    /// <summary>When the count began (Unix milliseconds): the fixed window's start, or the last take of a count in flight.</summary>
    public long WindowStart { get; set; }
    public int Count { get; set; }
}

internal sealed class UserWindowModel : IEntityTypeConfiguration<UserWindow>
{
    public void Configure(EntityTypeBuilder<UserWindow> e)
    {
        e.ToTable("UserWindows");
        e.HasKey(w => w.Key);
        e.Property(w => w.Key).HasMaxLength(400);
    }
}

public static class UserWindowTables
{
    extension(DashboardDbContext db)
    {
        public DbSet<UserWindow> UserWindows => db.Set<UserWindow>();
    }
}

/// <summary>Per-person counts (see <see cref="UserWindowStore"/>); the store's, or a process's own where there is no store.</summary>
public interface IUserWindows
{
    /// <summary>True where several instances count one budget (the store on PostgreSQL); false for one process's counts.</summary>
    bool CountsAcrossInstances { get; }

    /// <summary>
    /// Takes one from <paramref name="key"/>'s budget of <paramref name="limit"/>: the new count, or null when it is spent.
    /// A count whose <see cref="UserWindow.WindowStart"/> is before <paramref name="resetBefore"/> starts again at <paramref name="start"/>.
    /// </summary>
    Task<int?> TryTakeAsync(string key, long start, long resetBefore, int limit, CancellationToken ct);

    /// <summary>Gives one back (an upload finished); never below zero.</summary>
    Task ReleaseAsync(string key, CancellationToken ct);

    /// <summary>Sets a mark that <see cref="TryConsumeAsync"/> takes once (an upload that paid for its check).</summary>
    Task MarkAsync(string key, long at, CancellationToken ct);

    /// <summary>True once for a mark set at or after <paramref name="notBefore"/>.</summary>
    Task<bool> TryConsumeAsync(string key, long notBefore, CancellationToken ct);

    /// <summary>Forgets the rows of one kind (<paramref name="prefix"/>) last touched before <paramref name="before"/>: the table stays small.</summary>
    Task ForgetAsync(string prefix, long before, CancellationToken ct);
}

/// <summary>
/// The same counts in this process only: for a host without the store (a component test). The dashboard always has the
/// store, whose <see cref="UserWindowStore"/> replaces this.
/// </summary>
public sealed class ProcessUserWindows : IUserWindows
{
    private readonly Dictionary<string, (long Start, int Count)> _rows = new(StringComparer.Ordinal);

    public bool CountsAcrossInstances => false;

    public Task<int?> TryTakeAsync(string key, long start, long resetBefore, int limit, CancellationToken ct)
    {
        lock (_rows)
        {
            if (!_rows.TryGetValue(key, out var row) || row.Start < resetBefore) row = (start, 0);
            if (row.Count >= limit) return Task.FromResult<int?>(null);
            _rows[key] = (start, row.Count + 1);
            return Task.FromResult<int?>(row.Count + 1);
        }
    }

    public Task ReleaseAsync(string key, CancellationToken ct)
    {
        lock (_rows)
        {
            if (_rows.TryGetValue(key, out var row) && row.Count > 0) _rows[key] = (row.Start, row.Count - 1);
        }
        return Task.CompletedTask;
    }

    public Task MarkAsync(string key, long at, CancellationToken ct)
    {
        lock (_rows) _rows[key] = (at, 1);
        return Task.CompletedTask;
    }

    public Task<bool> TryConsumeAsync(string key, long notBefore, CancellationToken ct)
    {
        lock (_rows) return Task.FromResult(_rows.TryGetValue(key, out var row) && row.Start >= notBefore && _rows.Remove(key));
    }

    public Task ForgetAsync(string prefix, long before, CancellationToken ct)
    {
        lock (_rows)
        {
            foreach (var key in _rows.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal) && r.Value.Start < before).Select(r => r.Key).ToList()) _rows.Remove(key);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Counts in the store, each changed by one statement (an upsert with a conditional increment that returns the new count),
/// so two instances on one PostgreSQL can never give a person more than the budget one instance gives. The same SQL runs
/// on SQLite (3.35+: upsert and RETURNING). On SQLite writes go through the <see cref="StoreWriter"/>, its one writer; on
/// PostgreSQL each statement runs alone on its own connection, so a count never waits behind this process's history writes.
/// </summary>
public sealed class UserWindowStore(StoreWriter writer, IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator,
    Microsoft.Extensions.Options.IOptions<StoreOptions> options) : IUserWindows
{
    public bool CountsAcrossInstances => options.Value.Engine == StoreEngine.Postgres;

    // A row older than @resetBefore starts again at 1; otherwise it grows by one while below @limit. No row back: refused.
    private const string TakeSql = """
        INSERT INTO "UserWindows" ("Key", "WindowStart", "Count") VALUES (@key, @start, 1)
        ON CONFLICT ("Key") DO UPDATE SET
            "Count" = CASE WHEN "UserWindows"."WindowStart" < @resetBefore THEN 1 ELSE "UserWindows"."Count" + 1 END,
            "WindowStart" = @start
        WHERE "UserWindows"."WindowStart" < @resetBefore OR "UserWindows"."Count" < @limit
        RETURNING "Count"
        """;

    public Task<int?> TryTakeAsync(string key, long start, long resetBefore, int limit, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            await using var command = Command(db, TakeSql, ("key", key), ("start", start), ("resetBefore", resetBefore), ("limit", limit));
            return await command.ExecuteScalarAsync(ct) is { } count and not DBNull ? Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        }, ct);

    /// <summary>Gives one back (an upload finished); never below zero.</summary>
    public Task ReleaseAsync(string key, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            await using var command = Command(db, """UPDATE "UserWindows" SET "Count" = "Count" - 1 WHERE "Key" = @key AND "Count" > 0""", ("key", key));
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    /// <summary>Sets a mark that <see cref="TryConsumeAsync"/> takes once (an upload that paid for its check).</summary>
    public Task MarkAsync(string key, long at, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            await using var command = Command(db, """
                INSERT INTO "UserWindows" ("Key", "WindowStart", "Count") VALUES (@key, @at, 1)
                ON CONFLICT ("Key") DO UPDATE SET "WindowStart" = @at, "Count" = 1
                """, ("key", key), ("at", at));
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    /// <summary>True once for a mark set at or after <paramref name="notBefore"/>: the delete that finds it is the one that wins.</summary>
    public Task<bool> TryConsumeAsync(string key, long notBefore, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            await using var command = Command(db, """DELETE FROM "UserWindows" WHERE "Key" = @key AND "WindowStart" >= @notBefore""", ("key", key), ("notBefore", notBefore));
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    /// <summary>Forgets the rows of one kind (<paramref name="prefix"/>) last touched before <paramref name="before"/>: the table stays small.</summary>
    public Task ForgetAsync(string prefix, long before, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            await using var command = Command(db, """DELETE FROM "UserWindows" WHERE "Key" LIKE @prefix AND "WindowStart" < @before""", ("prefix", prefix + "%"), ("before", before));
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    // One statement each: PostgreSQL makes it atomic among instances without this process's gate; SQLite needs the gate.
    private async Task<T> WriteAsync<T>(Func<DashboardDbContext, Task<T>> statement, CancellationToken ct)
    {
        if (!CountsAcrossInstances) return await writer.WriteAsync(statement, ct);
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        return await statement(db);
    }

    private static DbCommand Command(DashboardDbContext db, string sql, params (string Name, object Value)[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
