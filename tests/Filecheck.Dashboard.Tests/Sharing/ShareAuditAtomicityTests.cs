using Filecheck.Dashboard.Sharing;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>On a SQLite file.</summary>
public sealed class ShareAuditAtomicityTests() : ShareAuditAtomicityEngineTests(new SharingApp(),
    "CREATE TRIGGER refuse_audit BEFORE INSERT ON ShareAudit BEGIN SELECT RAISE(ABORT, 'audit refused'); END;");

/// <summary>On a fresh PostgreSQL database a test.</summary>
[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class ShareAuditAtomicityPostgresTests() : ShareAuditAtomicityEngineTests(new PostgresSharingAppFixture(),
    """
    CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$;
    CREATE TRIGGER refuse_audit BEFORE INSERT ON "ShareAudit" FOR EACH ROW EXECUTE FUNCTION refuse_audit();
    """);

/// <summary>An audit of a change is written in the change's own transaction: no share without its "create" row.</summary>
/// <param name="refuseAudit">The engine's SQL that makes every insert of an audit row fail.</param>
public abstract class ShareAuditAtomicityEngineTests(SharingApp app, string refuseAudit) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task CreateAsync_TheAuditRowCannotBeWritten_NoShareIsCreatedEither()
    {
        // The store refuses audit rows (a full disk, a lock, a bug would do the same), not shares.
        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(refuseAudit));

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => app.ShareAsync());

        Assert.Equal(0, await app.QueryAsync(db => db.Shares.CountAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.SharedFiles.CountAsync()));
    }

    [Fact]
    public async Task CreateAsync_Normally_WritesTheShareAndItsCreateAuditTogether()
    {
        var created = await app.ShareAsync();

        var audit = await app.QueryAsync(db => db.ShareAudit.Where(a => a.ShareId == created.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal([ShareActions.Create], audit);
    }
}
