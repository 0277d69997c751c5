using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Filecheck.Dashboard.Data;

/// <summary>For <c>dotnet ef migrations add --context SqliteDashboardDbContext</c>: the model without building the dashboard's host (which would start the sandbox).</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDashboardDbContext>
{
    public SqliteDashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add --context PostgresDashboardDbContext</c>: adding a migration connects to nothing.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDashboardDbContext>
{
    public PostgresDashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
