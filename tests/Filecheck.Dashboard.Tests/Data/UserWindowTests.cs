using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs.Checks;
using Filecheck.Dashboard.Jobs.Limits;
using Filecheck.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>One dashboard instance's per-person budgets on a store (SQLite file or PostgreSQL database): what a test starts twice to be two instances.</summary>
public static class BudgetInstance
{
    public static ServiceProvider Start(TimeProvider clock, string? sqliteFile = null, string? postgres = null, int perMinute = 3, int checksPerHour = 3, int uploadsInFlight = 2)
    {
        var settings = new Dictionary<string, string?>();
        if (postgres is not null)
        {
            settings["History:Provider"] = "Postgres";
            settings["ConnectionStrings:History"] = postgres;
        }
        else
        {
            settings["History:DatabasePath"] = sqliteFile;
        }
        var services = new ServiceCollection().AddLogging().AddSingleton(clock);
        services.AddStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.Configure<UserLimitsOptions>(o => o.LookupsPerMinute = perMinute);
        services.Configure<CheckOptions>(o =>
        {
            o.PerUserPerHour = checksPerHour;
            o.UploadsInFlightPerUser = uploadsInFlight;
        });
        services.AddSingleton<UserBudget>().AddSingleton<CheckQuota>();
        return services.BuildServiceProvider();
    }

    public static async Task<int> GrantedAsync(this ServiceProvider instance, int tries, string user = "oid-1")
    {
        var granted = 0;
        for (var i = 0; i < tries; i++)
        {
            if (await instance.GetRequiredService<UserBudget>().TryTakeAsync(UserLimitKind.Lookups, "user:" + user) is null) granted++;
        }
        return granted;
    }
}

/// <summary>The per-person budgets on a SQLite store (one instance): a window that refuses when spent and starts again on the minute.</summary>
public sealed class UserWindowSqliteTests : IDisposable
{
    private readonly TempStore _file = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 10, TimeSpan.Zero));

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task TryTake_OverTheMinutesBudget_RefusesWithTheWaitUntilTheNextMinute_ThenGrantsAgain()
    {
        await using var instance = BudgetInstance.Start(_clock, sqliteFile: _file.File, perMinute: 3);
        var budget = instance.GetRequiredService<UserBudget>();

        for (var i = 0; i < 3; i++) Assert.Null(await budget.TryTakeAsync(UserLimitKind.Lookups, "user:oid-1"));
        Assert.Equal(TimeSpan.FromSeconds(50), await budget.TryTakeAsync(UserLimitKind.Lookups, "user:oid-1"));
        // Another person and another kind of budget are counted apart.
        Assert.Null(await budget.TryTakeAsync(UserLimitKind.Lookups, "user:oid-2"));
        Assert.Null(await budget.TryTakeAsync(UserLimitKind.Proofs, "user:oid-1"));
        _clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(await budget.TryTakeAsync(UserLimitKind.Lookups, "user:oid-1"));
    }

    [Fact]
    public async Task Lookups_OnSqlite_CountInTheProcess_NeverWaitingForTheStoresWriter()
    {
        await using var instance = BudgetInstance.Start(_clock, sqliteFile: _file.File, perMinute: 3);
        var writer = instance.GetRequiredService<StoreWriter>();
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        // A long history write holds SQLite's one writer while the person looks jobs up.
        var write = writer.WriteAsync(async _ =>
        {
            held.SetResult();
            await release.Task;
            return 0;
        }, CancellationToken.None);
        await held.Task;

        var granted = instance.GrantedAsync(5);
        var first = await Task.WhenAny(granted, write);
        release.SetResult();
        await write;

        Assert.Same(granted, first);
        Assert.Equal(3, await granted);
        // With the writer free the count still stays in the process: no lookup becomes a write of SQLite's.
        Assert.Equal(3, await instance.GrantedAsync(4, "oid-2"));
        await using var db = await instance.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        Assert.False(await db.UserWindows.AnyAsync(w => w.Key.StartsWith("lookups:")));
    }

    [Fact]
    public async Task TryTake_OverTheHourlyChecks_RefusesUntilTheNextHour()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        await using var instance = BudgetInstance.Start(clock, sqliteFile: _file.File, checksPerHour: 3);
        var quota = instance.GetRequiredService<CheckQuota>();

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await quota.TryTakeAsync("oid-1")).Taken);
            clock.Advance(TimeSpan.FromMinutes(10));
        }
        var refused = await quota.TryTakeAsync("oid-1");
        Assert.False(refused.Taken);
        Assert.Equal(TimeSpan.FromMinutes(30), refused.RetryAfter);
        // Another person is not held back by the first one's clicks.
        Assert.True((await quota.TryTakeAsync("oid-2")).Taken);
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.True((await quota.TryTakeAsync("oid-1")).Taken);
    }

    [Fact]
    public async Task TryTakeFor_TheCheckOfAnUploadThatPaid_CountsOnce_AnUploadNeverPaysTwice()
    {
        await using var instance = BudgetInstance.Start(_clock, sqliteFile: _file.File, checksPerHour: 2);
        var quota = instance.GetRequiredService<CheckQuota>();

        var start = await quota.TryBeginUploadAsync("oid-1");
        Assert.NotNull(start.Slot);
        Assert.Null(start.Refusal);
        await start.Slot.DisposeAsync();
        await quota.PaidAsync("oid-1", "upload_a");

        Assert.True((await quota.TryTakeForAsync("oid-1", "upload_a")).Taken);
        // The same upload named again, or by someone else, pays like any check.
        Assert.True((await quota.TryTakeForAsync("oid-1", "upload_a")).Taken);
        Assert.False((await quota.TryTakeForAsync("oid-1", "upload_a")).Taken);
        Assert.True((await quota.TryTakeForAsync("oid-2", "upload_a")).Taken);
    }

    [Fact]
    public async Task TryBeginUpload_TwoInstances_ShareTheUploadsInFlight_AndAFinishedUploadGivesItsPlaceBack()
    {
        await using var first = BudgetInstance.Start(_clock, sqliteFile: _file.File, checksPerHour: 100, uploadsInFlight: 2);
        await using var second = BudgetInstance.Start(_clock, sqliteFile: _file.File, checksPerHour: 100, uploadsInFlight: 2);

        var a = await first.GetRequiredService<CheckQuota>().TryBeginUploadAsync("oid-1");
        var b = await second.GetRequiredService<CheckQuota>().TryBeginUploadAsync("oid-1");
        var c = await first.GetRequiredService<CheckQuota>().TryBeginUploadAsync("oid-1");

        Assert.NotNull(a.Slot);
        Assert.NotNull(b.Slot);
        Assert.Null(c.Slot);
        Assert.Contains("2 uploads on their way", c.Refusal);
        await b.Slot.DisposeAsync();
        var d = await first.GetRequiredService<CheckQuota>().TryBeginUploadAsync("oid-1");
        Assert.NotNull(d.Slot);
    }
}

/// <summary>The same budgets on PostgreSQL, where several instances really write at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UserWindowPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 10, TimeSpan.Zero));

    [Fact]
    public async Task TryTake_FourInstancesCallingAtOnce_NeverGiveMoreThanTheBudget()
    {
        // Four instances (each its own connection pool and writer), 15 callers each, all at once: the budget is 10 in all.
        var instances = Enumerable.Range(0, 4).Select(_ => BudgetInstance.Start(_clock, postgres: database.ConnectionString, perMinute: 10)).ToArray();
        try
        {
            await instances[0].GetRequiredService<StoreMigrator>().EnsureReadyAsync();
            var calls = instances.SelectMany(i => Enumerable.Range(0, 15).Select(_ => Task.Run(() => i.GetRequiredService<UserBudget>().TryTakeAsync(UserLimitKind.Lookups, "user:oid-race"))));

            var answers = await Task.WhenAll(calls);

            Assert.Equal(10, answers.Count(a => a is null));
            await using var db = await instances[1].GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
            Assert.Equal(10, (await db.UserWindows.SingleAsync(w => w.Key == "lookups:user:oid-race")).Count);
        }
        finally
        {
            foreach (var instance in instances) await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task Checks_TwoInstancesOnOneDatabase_GiveAPersonOneHoursBudget()
    {
        await using var first = BudgetInstance.Start(_clock, postgres: database.ConnectionString, checksPerHour: 3);
        await using var second = BudgetInstance.Start(_clock, postgres: database.ConnectionString, checksPerHour: 3);

        Assert.True((await first.GetRequiredService<CheckQuota>().TryTakeAsync("oid-pg")).Taken);
        Assert.True((await second.GetRequiredService<CheckQuota>().TryTakeAsync("oid-pg")).Taken);
        Assert.True((await first.GetRequiredService<CheckQuota>().TryTakeAsync("oid-pg")).Taken);
        Assert.False((await second.GetRequiredService<CheckQuota>().TryTakeAsync("oid-pg")).Taken);
        Assert.False((await first.GetRequiredService<CheckQuota>().TryTakeAsync("oid-pg")).Taken);
    }

    [Fact]
    public async Task TryTake_NextMinute_StartsAgainOnPostgres()
    {
        await using var instance = BudgetInstance.Start(_clock, postgres: database.ConnectionString, perMinute: 2);

        Assert.Equal(2, await instance.GrantedAsync(3, "oid-minute"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await instance.GrantedAsync(3, "oid-minute"));
    }
}
