using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Filecheck.Dashboard.Trends;

namespace Filecheck.Dashboard.Tests.History;

public sealed class MigrationTests
{
    private sealed class Factory(string file) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() =>
            new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(DataSetup.ConnectionString(file)).Options);
    }

    [Fact]
    public void Model_EveryFeaturesTables_MatchTheLatestMigration()
    {
        // Each feature configures its own tables; a change to one without a migration would open stores that lack it.
        using var temp = new TempStore();
        using var db = new Factory(temp.File).CreateDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), "the model differs from the last migration's snapshot: add a migration");
        Assert.Equal(
            ["Checks", "DataProtectionKeys", "Jobs", "Lookups", "RollupJobs", "RollupOutcomeMarginals", "RollupOutcomes", "RollupReasonMarginals",
                "RollupReasons", "RollupState", "RollupStepMarginals", "RollupSteps", "Sessions", "ShareAudit", "ShareComments", "ShareDecisions", "ShareRounds", "ShareUploads", "ShareWebhookOutbox", "SharedFiles", "Shares", "Snapshots", "Steps",
                "SyncState", "Tasks", "UserWindows"],
            db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EnsureReady_DecisionsMadeBeforeRounds_AnswerRoundOneAfterTheUpgrade()
    {
        using var temp = new TempStore();
        Directory.CreateDirectory(Path.GetDirectoryName(temp.File)!);
        var factory = new Factory(temp.File);
        await using (var db = factory.CreateDbContext())
        {
            var all = db.Database.GetMigrations().ToList();
            var before = all[all.FindIndex(m => m.EndsWith("_ProofingRounds", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO Shares (Id, TokenHash, CreatedBy, CreatedById, CreatedAt, ExpiresAt, AllowDownloads, AskApproval, ViewCount)
                VALUES (1, 'hash', 'Casey', 'casey', 1785308102000, 1785908102000, 0, 1, 0);
                INSERT INTO SharedFiles (ShareId, Position, JobId, TaskId, Name) VALUES (1, 1, 'job_a', 'task_1', 'a.pdf');
                INSERT INTO ShareDecisions (ShareId, Position, Decision, Name, At) VALUES (1, 1, 'changes', 'Ada', 1785308102000);
                """);
        }
        SqliteConnection.ClearAllPools();

        await new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance).EnsureReadyAsync();

        await using (var db = factory.CreateDbContext())
        {
            var decision = await db.Set<Filecheck.Dashboard.Sharing.ShareDecisionRecord>().SingleAsync();
            Assert.Equal((1, "changes", "Ada"), (decision.Round, decision.Decision, decision.Name));
        }
    }

    [Fact]
    public async Task EnsureReady_DatabaseMadeByTheFirstMigration_UpgradesToTheLatestWithItsRowsIntact()
    {
        using var temp = new TempStore();
        Directory.CreateDirectory(Path.GetDirectoryName(temp.File)!);
        var factory = new Factory(temp.File);
        string first;
        await using (var db = factory.CreateDbContext())
        {
            var all = db.Database.GetMigrations().ToList();
            Assert.True(all.Count >= 2, "an upgrade needs at least two migrations");
            first = all[0];
            await db.GetService<IMigrator>().MigrateAsync(first);
            // Rows as the first version wrote them (it had no lower-case email column).
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO Jobs (Id, CreatedAt, Status, Outcome, OrderId, CustomerId, CustomerEmail, FileCount, IsTerminal, HasDetails, FirstSeenAt, LastSeenAt, LastFetchedAt, Body)
                VALUES ('job_old_one', 1785308102000, 'done', 'fail', 'order_5512', 'cust_301', 'Alice.Smith@Example.COM', 1, 1, 1, 1785308102000, 1785308102000, 1785308102000, '{{"id":"job_old_one","status":"done","outcome":"fail"}}');
                INSERT INTO Steps (JobId, TaskId, Id, Position, Type, Status, Outcome, Reason, DurationMs) VALUES ('job_old_one', 'task_1', 'step_preflight_1', 0, 'preflight', 'done', 'fail', 'Fonts not embedded', 7000);
                INSERT INTO Lookups (JobId, UserName, At, Result) VALUES ('job_old_one', 'alice', 1785308102000, 'fresh');
                """);
            Assert.Equal([first], await db.Database.GetAppliedMigrationsAsync());
        }
        SqliteConnection.ClearAllPools();

        var migrator = new StoreMigrator(factory, NullLogger<StoreMigrator>.Instance);
        await migrator.EnsureReadyAsync();

        await using (var db = factory.CreateDbContext())
        {
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            var job = await db.Jobs.SingleAsync();
            Assert.Equal(("job_old_one", "fail", "order_5512", "Alice.Smith@Example.COM"), (job.Id, job.Outcome, job.OrderId, job.CustomerEmail));
            Assert.Equal("alice.smith@example.com", job.CustomerEmailLower); // filled by the upgrade
            Assert.Null(job.StepsPrunedAt);
            Assert.Equal("Fonts not embedded", (await db.Steps.SingleAsync()).Reason);
            Assert.Equal("alice", (await db.Lookups.SingleAsync()).UserName);
        }
        var found = await new Filecheck.Dashboard.Trends.JobsListQuery(factory, migrator, Filecheck.Dashboard.Trends.Rollups.RollupZone.Utc)
            .LoadAsync(new() { Search = "ALICE.smith@example.com" });
        Assert.Equal(["job_old_one"], found.Rows.Select(h => h.Id));
        var stored = await new HistoryReads(factory, migrator).GetJobAsync("job_old_one");
        Assert.Equal("fail", stored!.Job.Outcome);
    }

    [Fact]
    public async Task EnsureReady_NewFile_CreatesItInWalModeWithEveryMigration()
    {
        using var temp = new TempStore();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["History:DatabasePath"] = temp.File }).Build();
        await using var services = new ServiceCollection().AddLogging().AddStore(configuration).BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();

        await services.GetRequiredService<StoreMigrator>().EnsureReadyAsync();

        Assert.True(File.Exists(temp.File));
        await using var db = factory.CreateDbContext();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }
}
