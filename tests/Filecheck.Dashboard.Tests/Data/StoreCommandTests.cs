using Filecheck.Dashboard.Data;
using Filecheck.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// <c>migrate</c>, <c>History:MigrateAtStart</c> and <c>move-history</c>'s refusals, each through the built DLL in a
/// process of its own, against the run's real PostgreSQL (a new database per test) or a real SQLite file.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreCommandTests
{
    private const string Password = "pw-never-printed-7731";

    [Fact]
    public async Task Migrate_OnAnEmptyPostgresDatabase_AppliesEveryMigrationAndMakesTheFirstKey_ThenASecondRunChangesNothing()
    {
        var database = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            var first = await DashboardDll.RunAsync(["migrate"], DashboardDll.OnPostgres(database));

            Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
            Assert.Contains($"PostgreSQL database {new NpgsqlConnectionStringBuilder(database).Database}", first.Stdout);
            Assert.Contains("Migrations: applied", first.Stdout);
            Assert.Contains("created the first key", first.Stdout);
            await using (var db = Postgres(database))
            {
                Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
                Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
            }

            var second = await DashboardDll.RunAsync(["migrate"], DashboardDll.OnPostgres(database));

            Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
            Assert.Contains("none pending", second.Stdout);
            Assert.Contains("holds 1 key(s); none created", second.Stdout);
            await using (var db = Postgres(database)) Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Migrate_OnANewSqliteFile_AppliesEveryMigrationAndMakesTheFirstKey()
    {
        using var temp = new TempStore();
        var settings = DashboardDll.ProductionSettings();
        settings["History__DatabasePath"] = temp.File;

        var (exitCode, stdout, stderr) = await DashboardDll.RunAsync(["migrate"], settings);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("SQLite file " + temp.File, stdout);
        await using var db = new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(DataSetup.ConnectionString(temp.File)).Options);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Migrate_ServerUnreachable_ExitsNonZeroInOneLine_WithoutThePasswordOrAStackTrace()
    {
        var unreachable = $"Host=127.0.0.1;Port={DashboardDll.FreePort()};Database=nowhere;Username=filecheck;Password={Password};Timeout=3";

        var (exitCode, stdout, stderr) = await DashboardDll.RunAsync(["migrate"], DashboardDll.OnPostgres(unreachable));

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Filecheck Dashboard migrate failed:", stderr.Trim());
        Assert.Contains("Failed to connect", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain(Password, stdout + stderr);
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("move-history")]
    public async Task Command_SandboxOnPostgres_RefusesNamingTheProvider_AndTouchesNoDatabase(string command)
    {
        // Development without Filecheck:BaseUrl is the built-in sandbox, which resets its history: never on PostgreSQL.
        var database = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            var settings = DashboardDll.OnPostgres(database, new Dictionary<string, string>());
            using var temp = new TempStore();
            string[] args = command == "migrate" ? ["migrate"] : ["move-history", "--from", temp.File];

            var (exitCode, stdout, stderr) = await DashboardDll.RunAsync(args, settings, environment: "Development");

            Assert.Equal(1, exitCode);
            Assert.StartsWith($"Filecheck Dashboard {command} refused: History:Provider is Postgres, but the built-in sandbox", stderr.Trim());
            Assert.DoesNotContain("   at ", stdout + stderr);
            await using var db = Postgres(database);
            Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Start_MigrateAtStartFalseOnAPostgresStoreBehind_RefusesNamingMigrate_AndStartsOnceMigrated()
    {
        var database = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            var settings = DashboardDll.OnPostgres(database);
            settings["History__MigrateAtStart"] = "false";

            var refused = await DashboardDll.ServeAsync(settings, TimeSpan.FromSeconds(90));

            Assert.False(refused.Served, "The dashboard started on a database without its tables:\n" + refused.Output);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("Filecheck Dashboard did not start: History:MigrateAtStart is false", refused.Output);
            Assert.Contains("dotnet Filecheck.Dashboard.dll migrate", refused.Output);
            Assert.DoesNotContain("   at ", refused.Output);
            await using (var db = Postgres(database)) Assert.Empty(await db.Database.GetAppliedMigrationsAsync());

            Assert.Equal(0, (await DashboardDll.RunAsync(["migrate"], DashboardDll.OnPostgres(database))).ExitCode);
            var started = await DashboardDll.ServeAsync(settings, TimeSpan.FromSeconds(90));

            Assert.True(started.Served, "The dashboard did not start on a migrated database:\n" + started.Output);
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Start_MigrateAtStartFalseOnANewSqliteFile_RefusesNamingMigrate()
    {
        using var temp = new TempStore();
        var settings = DashboardDll.ProductionSettings();
        settings["History__DatabasePath"] = temp.File;
        settings["History__MigrateAtStart"] = "false";

        var refused = await DashboardDll.ServeAsync(settings, TimeSpan.FromSeconds(90));

        Assert.False(refused.Served, refused.Output);
        Assert.Contains("Filecheck Dashboard did not start: History:MigrateAtStart is false and the store (SQLite file", refused.Output);
        Assert.Contains("migrate", refused.Output);
    }

    [Fact]
    public async Task MoveHistory_TargetNotMigrated_RefusesNamingMigrate()
    {
        using var temp = await MigratedSqliteAsync();
        var database = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            var (exitCode, _, stderr) = await DashboardDll.RunAsync(["move-history", "--from", temp.File], DashboardDll.OnPostgres(database));

            Assert.Equal(1, exitCode);
            Assert.Contains("is not migrated", stderr);
            Assert.Contains("dotnet Filecheck.Dashboard.dll migrate", stderr);
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task MoveHistory_TargetIsSqlite_RefusesNamingTheProvider()
    {
        using var temp = await MigratedSqliteAsync();
        var settings = DashboardDll.ProductionSettings();
        settings["History__DatabasePath"] = temp.File;

        var (exitCode, _, stderr) = await DashboardDll.RunAsync(["move-history", "--from", temp.File], settings);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Filecheck Dashboard move-history refused: move-history copies into PostgreSQL, and History:Provider is Sqlite", stderr.Trim());
    }

    [Fact]
    public async Task MoveHistory_TargetHoldsAnotherHistory_RefusesAndChangesNothing()
    {
        using var temp = await MigratedSqliteAsync();
        var database = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            Assert.Equal(0, (await DashboardDll.RunAsync(["migrate"], DashboardDll.OnPostgres(database))).ExitCode);
            await using (var db = Postgres(database))
            {
                await db.Database.ExecuteSqlRawAsync("INSERT INTO \"SyncState\" (\"Id\", \"BackfillDone\", \"ConsecutiveFailures\") VALUES (1, true, 0)");
            }

            var (exitCode, _, stderr) = await DashboardDll.RunAsync(["move-history", "--from", temp.File], DashboardDll.OnPostgres(database));

            Assert.Equal(1, exitCode);
            Assert.Contains("already holds a history (SyncState 1)", stderr);
            await using (var db = Postgres(database))
            {
                Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
                Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT COUNT(*)::int AS \"Value\" FROM pg_tables WHERE tablename = '__MoveHistory'").SingleAsync());
            }
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(database);
        }
    }

    private static PostgresDashboardDbContext Postgres(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>A SQLite history with every migration applied and nothing else (the DLL's own migrate on SQLite is tested above).</summary>
    private static async Task<TempStore> MigratedSqliteAsync()
    {
        var temp = new TempStore();
        Directory.CreateDirectory(Path.GetDirectoryName(temp.File)!);
        await using (var db = new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(DataSetup.ConnectionString(temp.File)).Options))
            await db.Database.MigrateAsync();
        SqliteConnection.ClearAllPools();
        return temp;
    }
}
