using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Filecheck.Dashboard.Data;

/// <summary>For <c>dotnet ef migrations add</c>: the model without building the dashboard's host (which would start the sandbox).</summary>
internal sealed class DashboardDesignTimeFactory : IDesignTimeDbContextFactory<DashboardDbContext>
{
    public DashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
