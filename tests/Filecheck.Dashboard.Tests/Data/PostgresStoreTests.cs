using Filecheck.Dashboard.Data;
using Filecheck.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>The store on a real PostgreSQL (the run's throwaway cluster, a fresh database for this class).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private ServiceProvider Services(string connectionString) =>
        new ServiceCollection().AddLogging().AddStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["History:Provider"] = "Postgres",
            ["ConnectionStrings:History"] = connectionString,
        }).Build()).BuildServiceProvider();

    [Fact]
    public async Task EnsureReady_TwoInstancesOnOneNewDatabase_BothFindEveryMigrationApplied()
    {
        // Two dashboards starting together on an empty database: EF's lock lets one migrate while the other waits.
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            await using var first = Services(connectionString);
            await using var second = Services(connectionString);

            await Task.WhenAll(first.GetRequiredService<StoreMigrator>().EnsureReadyAsync(), second.GetRequiredService<StoreMigrator>().EnsureReadyAsync());

            await using var db = await first.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
            Assert.IsType<PostgresDashboardDbContext>(db);
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Protect_KeyRingInPostgres_AnotherInstanceUnprotects()
    {
        // The key ring is a table of the store: what one instance protects, another on the same database reads.
        await using var first = Services(database.ConnectionString);
        await using var second = Services(database.ConnectionString);
        await first.GetRequiredService<StoreMigrator>().EnsureReadyAsync();

        var sealedText = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("approval of share 7");

        Assert.Equal("approval of share 7", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedText));
        await using var db = await second.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }
}
