using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// Leases as rows of <c>"Leases"</c> on PostgreSQL: taken and renewed by one atomic statement each, with the database's
/// clock (<c>now()</c>), so instances whose clocks disagree still agree on who holds what.
/// </summary>
public sealed class PostgresLeaseStore(IOptions<StoreOptions> store, IOptions<LeaseOptions> options, StoreMigrator migrator) : ILeaseStore
{
    // Free, expired or already ours: one statement decides, so two instances racing for it cannot both win.
    private const string TakeSql = """
        INSERT INTO "Leases" ("Name", "Holder", "Token", "AcquiredAt", "ExpiresAt", "HeartbeatAt")
        VALUES ($1, $2, 1, now(), now() + $3, now())
        ON CONFLICT ("Name") DO UPDATE SET
            "Token" = CASE WHEN "Leases"."Holder" = EXCLUDED."Holder" AND "Leases"."ExpiresAt" >= now() THEN "Leases"."Token" ELSE "Leases"."Token" + 1 END,
            "AcquiredAt" = CASE WHEN "Leases"."Holder" = EXCLUDED."Holder" AND "Leases"."ExpiresAt" >= now() THEN "Leases"."AcquiredAt" ELSE now() END,
            "Holder" = EXCLUDED."Holder",
            "ExpiresAt" = EXCLUDED."ExpiresAt",
            "HeartbeatAt" = EXCLUDED."HeartbeatAt"
        WHERE "Leases"."Holder" = EXCLUDED."Holder" OR "Leases"."ExpiresAt" < now()
        RETURNING "Name", "Holder", "Token", "AcquiredAt", "ExpiresAt", "HeartbeatAt"
        """;

    // Only under the token taken: once another instance took over, the heartbeat finds no row.
    private const string RenewSql = """
        UPDATE "Leases" SET "ExpiresAt" = now() + $4, "HeartbeatAt" = now()
        WHERE "Name" = $1 AND "Holder" = $2 AND "Token" = $3
        RETURNING "Name", "Holder", "Token", "AcquiredAt", "ExpiresAt", "HeartbeatAt"
        """;

    private const string ReleaseSql = """
        UPDATE "Leases" SET "ExpiresAt" = now() - interval '1 millisecond'
        WHERE "Name" = $1 AND "Holder" = $2 AND "Token" = $3
        """;

    private const string FindSql = """
        SELECT "Name", "Holder", "Token", "AcquiredAt", "ExpiresAt", "HeartbeatAt" FROM "Leases" WHERE "Name" = $1
        """;

    // FOR SHARE: a take-over waits for this transaction, so the write lands before the successor starts, or not at all.
    private const string FenceSql = """
        SELECT 1 FROM "Leases" WHERE "Name" = $1 AND "Holder" = $2 AND "Token" = $3 FOR SHARE
        """;

    public string Instance => options.Value.Holder;

    public Task<Lease?> TryTakeAsync(string name, CancellationToken ct) =>
        QueryAsync(TakeSql, ct, name, Instance, options.Value.Expiry);

    public Task<Lease?> RenewAsync(Lease lease, CancellationToken ct) =>
        QueryAsync(RenewSql, ct, lease.Name, lease.Holder, lease.Token, options.Value.Expiry);

    public async Task ReleaseAsync(Lease lease, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, ReleaseSql, lease.Name, lease.Holder, lease.Token);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task<Lease?> FindAsync(string name, CancellationToken ct) => QueryAsync(FindSql, ct, name);

    /// <summary>In a write transaction on <paramref name="db"/>: throws <see cref="LeaseLostException"/> unless <paramref name="lease"/>'s token still holds.</summary>
    internal static async Task CheckAsync(DashboardDbContext db, Lease lease, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = Command(connection, FenceSql, lease.Name, lease.Holder, lease.Token);
        command.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        if (await command.ExecuteScalarAsync(ct) is null) throw new LeaseLostException(lease.Name, lease.Token);
    }

    private async Task<Lease?> QueryAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, sql, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Lease(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        await migrator.EnsureReadyAsync(ct);
        var connection = new NpgsqlConnection(store.Value.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
