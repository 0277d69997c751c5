using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>Contexts on one PostgreSQL test database, and a way to empty it between a property test's cases.</summary>
public sealed class PostgresContexts(string connectionString) : IDbContextFactory<DashboardDbContext>
{
    private readonly DbContextOptions<PostgresDashboardDbContext> _options =
        new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(connectionString).Options;

    public DashboardDbContext CreateDbContext() => new PostgresDashboardDbContext(_options);

    /// <summary>Every table of the store emptied (the migrations' own history kept): a new store without migrating again.</summary>
    public async Task EmptyAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '\\_\\_EF%'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        if (tables.Count == 0) return;
        await using var truncate = new NpgsqlCommand($"TRUNCATE {string.Join(", ", tables.Select(t => $"\"{t}\""))} RESTART IDENTITY", connection);
        await truncate.ExecuteNonQueryAsync();
    }
}
