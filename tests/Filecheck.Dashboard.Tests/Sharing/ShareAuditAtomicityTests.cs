using Filecheck.Dashboard.Sharing;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>An audit of a change is written in the change's own transaction: no share without its "create" row.</summary>
public sealed class ShareAuditAtomicityTests : IAsyncLifetime
{
    private readonly SharingApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CreateAsync_TheAuditRowCannotBeWritten_NoShareIsCreatedEither()
    {
        // The store refuses audit rows (a full disk, a lock, a bug would do the same), not shares.
        await _app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON ShareAudit BEGIN SELECT RAISE(ABORT, 'audit refused'); END;"));

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => _app.ShareAsync());

        Assert.Equal(0, await _app.QueryAsync(db => db.Shares.CountAsync()));
        Assert.Equal(0, await _app.QueryAsync(db => db.SharedFiles.CountAsync()));
    }

    [Fact]
    public async Task CreateAsync_Normally_WritesTheShareAndItsCreateAuditTogether()
    {
        var created = await _app.ShareAsync();

        var audit = await _app.QueryAsync(db => db.ShareAudit.Where(a => a.ShareId == created.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal([ShareActions.Create], audit);
    }
}
