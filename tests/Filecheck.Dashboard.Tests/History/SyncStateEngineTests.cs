using Filecheck.Dashboard.History;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.History;

public sealed class SyncStateSqliteTests(AuditTests.Sandbox sandbox) : SyncStateEngineTests(sandbox), IClassFixture<AuditTests.Sandbox>
{
    protected override bool OnPostgres => false;
}

[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class SyncStatePostgresTests(AuditTests.Sandbox sandbox) : SyncStateEngineTests(sandbox), IClassFixture<AuditTests.Sandbox>
{
    protected override bool OnPostgres => true;
}

/// <summary>The sync's state kept in the store on either engine: a backfill done once, a second run that adds nothing.</summary>
public abstract class SyncStateEngineTests(AuditTests.Sandbox sandbox)
{
    /// <summary>True for the PostgreSQL variant (a fresh database a test).</summary>
    protected abstract bool OnPostgres { get; }

    [Fact]
    public async Task RunOnce_TwiceOnANewStore_BackfillsEveryJobOnceAndKeepsTheState()
    {
        await using var store = await EngineStore.NewAsync(OnPostgres);
        // Pages of 7: the backfill's cursor is written and read back between pages.
        await using var host = await HistoryHost.StartAsync(sandbox.Server, store.File, s => { store.On(s); s["History:Sync:PageSize"] = "7"; });
        var total = sandbox.Server.Jobs.Count;

        var first = await host.NewRunner().RunOnceAsync();
        var state = await host.SyncState.GetAsync();
        var second = await host.NewRunner().RunOnceAsync();

        Assert.True(first.Completed, first.Failure?.ToString());
        Assert.Equal(total, first.Added);
        Assert.True(state.BackfillDone);
        Assert.Null(state.BackfillNextKey);
        Assert.True(second.Completed, second.Failure?.ToString());
        Assert.Equal(0, second.Added);
        Assert.Equal(total, await host.QueryAsync(db => db.Jobs.CountAsync()));
    }
}
