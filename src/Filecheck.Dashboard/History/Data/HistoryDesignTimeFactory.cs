using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Filecheck.Dashboard.History.Data;

/// <summary>For <c>dotnet ef migrations add</c>: the model without building the dashboard's host (which would start the sandbox).</summary>
internal sealed class HistoryDesignTimeFactory : IDesignTimeDbContextFactory<HistoryDbContext>
{
    public HistoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<HistoryDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
