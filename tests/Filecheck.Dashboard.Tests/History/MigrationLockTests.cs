using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>A start that finds EF Core's migration lock left behind by a process killed while migrating.</summary>
public sealed class MigrationLockTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private sealed class Factory(string file) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() =>
            new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(DataSetup.ConnectionString(file)).Options);
    }

    /// <summary>What EF Core 9+ writes when it takes the lock, and what a process killed before releasing it leaves.</summary>
    private static async Task LeaveEfLockRowAsync(string file, bool migrateFirst)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var factory = new Factory(file);
        await using (var db = factory.CreateDbContext())
        {
            if (migrateFirst) await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TABLE IF NOT EXISTS "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT OR IGNORE INTO "__EFMigrationsLock"("Id", "Timestamp") VALUES(1, '2026-12-01 20:00:00.0000000+00:00');
                """);
        }
        SqliteConnection.ClearAllPools();
    }

    private static async Task<long> LockRowsAsync(Factory factory)
    {
        await using var db = factory.CreateDbContext();
        return await db.Database.SqlQueryRaw<long>("""SELECT COUNT(*) AS "Value" FROM "__EFMigrationsLock" """).SingleAsync();
    }

    [Theory]
    [InlineData(false)] // killed right after taking the lock, before the first migration
    [InlineData(true)]  // killed after migrating, before releasing it
    public async Task EnsureReady_LockLeftByAKilledProcess_CompletesWithEveryMigration(bool migratedBeforeTheKill)
    {
        using var temp = new TempStore();
        await LeaveEfLockRowAsync(temp.File, migratedBeforeTheKill);
        var factory = new Factory(temp.File);
        Assert.Equal(1, await LockRowsAsync(factory));

        {
            var store = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
            // Without the fix EF polls the lock row forever: this wait is what fails.
            await store.EnsureReadyAsync().WaitAsync(StartLimit);
        }

        await using (var db = factory.CreateDbContext())
        {
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }
        Assert.Equal(0, await LockRowsAsync(factory));

        // And the start after that one completes as well.
        SqliteConnection.ClearAllPools();
        var next = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
        await next.EnsureReadyAsync().WaitAsync(StartLimit);
        Assert.Null(await new HistoryReads(factory, next).GetJobAsync("job_none"));
    }

    [Fact]
    public async Task AcquireAsync_AnotherProcessIsMigrating_TimesOutNamingTheDatabaseFile()
    {
        using var temp = new TempStore();
        await LeaveEfLockRowAsync(temp.File, migrateFirst: true);
        var factory = new Factory(temp.File);
        // A living migrator holds the file lock: its lock row is not stale and must stay.
        using var living = new FileStream(Path.GetFullPath(temp.File) + ".migrating", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        await using var db = factory.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            MigrationLock.AcquireAsync(db, NullLogger.Instance, CancellationToken.None, TimeSpan.FromMilliseconds(300)));

        Assert.Contains(Path.GetFullPath(temp.File), error.Message);
        Assert.Equal(1, await LockRowsAsync(factory));
    }
}
