using System.Net;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Access;

/// <summary>
/// A sign-out kept in the store (a real SQLite file, or a PostgreSQL database): a copied cookie stays refused after a
/// restart and on a second instance on the same store, and an admin's sign-out of another user's session does the same.
/// </summary>
public abstract class SessionEndTests
{
    /// <summary>True for the PostgreSQL variant: each test on a fresh database of the run's cluster.</summary>
    protected abstract bool OnPostgres { get; }

    private static Dictionary<string, string?> OnStore(EngineStore store) => store.On(new()
    {
        ["History:Sync:Enabled"] = "false",
    });

    /// <summary>Signs out through the real form; returns a copy of the cookie as it was before.</summary>
    private static async Task<CookieContainer> SignOutKeepingACopyAsync(HttpClient client, CookieContainer jar)
    {
        var home = await client.GetStringAsync("/");
        var copied = new CookieContainer();
        copied.Add(jar.GetAllCookies());
        var signOut = await client.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = DashboardApp.FormToken(home),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        return copied;
    }

    [Fact]
    public async Task SignOut_ThenARestartOnTheSameStore_TheCopiedCookieIsStillRefused()
    {
        // The store's file is one level below its fc- folder: a host stopping keeps it (it removes only its own fc- folder).
        await using var database = await EngineStore.NewAsync(OnPostgres);
        CookieContainer copied;
        var stillSignedIn = new CookieContainer();
        await using (var before = new ProductionApp(OnStore(database)))
        {
            var jar = new CookieContainer();
            var client = await before.SignedInClientAsync("staff", jar);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
            await before.SignedInClientAsync("staff", stillSignedIn);
            copied = await SignOutKeepingACopyAsync(client, jar);
        }

        await using var after = new ProductionApp(OnStore(database));
        var replayed = await after.NewClient(copied).GetAsync("/");
        var other = await after.NewClient(stillSignedIn).GetAsync("/");

        Assert.True(ProductionApp.IsChallenge(replayed), $"{(int)replayed.StatusCode} {replayed.Headers.Location}");
        // The same user's other session, not signed out, goes on after the restart: only the ended one is refused.
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task SignOut_OnOneInstance_TheCopiedCookieIsRefusedOnAnotherOnTheSameStore()
    {
        await using var database = await EngineStore.NewAsync(OnPostgres);
        await using var first = new ProductionApp(OnStore(database));
        await using var second = new ProductionApp(OnStore(database));
        var jar = new CookieContainer();
        var client = await first.SignedInClientAsync("staff", jar);
        Assert.Equal(HttpStatusCode.OK, (await second.NewClient(jar).GetAsync("/")).StatusCode);

        var copied = await SignOutKeepingACopyAsync(client, jar);
        var onSecond = await second.NewClient(copied).GetAsync("/");

        Assert.True(ProductionApp.IsChallenge(onSecond), $"{(int)onSecond.StatusCode} {onSecond.Headers.Location}");
    }

    [Fact]
    public async Task EndUser_ByAnAdminOnOneInstance_EverySessionOfTheUserIsRefusedOnAnother_OthersGoOn()
    {
        await using var database = await EngineStore.NewAsync(OnPostgres);
        await using var first = new ProductionApp(OnStore(database));
        await using var second = new ProductionApp(OnStore(database));
        var staffJar = new CookieContainer();
        var laptop = await second.SignedInClientAsync("staff", staffJar);
        var phone = await second.SignedInClientAsync("staff");
        var manager = await second.SignedInClientAsync("manager");
        var open = await first.Services.GetRequiredService<SessionStore>().OpenAsync();
        var staffId = Assert.Single(open.Select(s => s.UserId).Distinct(), id => id.Contains("staff"));
        Assert.Equal(2, open.Count(s => s.UserId == staffId));

        var ended = await first.Services.GetRequiredService<SessionStore>().EndUserAsync(staffId, "Ada Admin");

        Assert.Equal(2, ended);
        Assert.True(ProductionApp.IsChallenge(await laptop.GetAsync("/")));
        Assert.True(ProductionApp.IsChallenge(await phone.GetAsync("/")));
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/")).StatusCode);
        Assert.DoesNotContain(await first.Services.GetRequiredService<SessionStore>().OpenAsync(), s => s.UserId == staffId);
    }

    [Fact]
    public async Task PruneAsync_RemovesOnlyTheRowsOfSessionsPastTheirEnd()
    {
        await using var database = await EngineStore.NewAsync(OnPostgres);
        await using var app = new ProductionApp(OnStore(database));
        await app.SignedInClientAsync("staff");
        var factory = app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Sessions.Add(new SessionRecord
            {
                Id = "long-gone", UserId = "oid-x", UserName = "X", StartedAt = DateTimeOffset.UtcNow.AddDays(-2),
                LastSeenAt = DateTimeOffset.UtcNow.AddDays(-2), ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1), EndedAt = DateTimeOffset.UtcNow.AddDays(-2),
            });
            await db.SaveChangesAsync();
        }

        var pruned = await app.Services.GetRequiredService<SessionStore>().PruneAsync();

        Assert.Equal(1, pruned);
        await using var check = await factory.CreateDbContextAsync();
        Assert.Equal(1, await check.Sessions.CountAsync());
    }
}

public sealed class SessionEndSqliteTests : SessionEndTests
{
    protected override bool OnPostgres => false;
}

[Collection(Filecheck.Dashboard.Tests.Data.PostgresCollection.Name)]
public sealed class SessionEndPostgresTests : SessionEndTests
{
    protected override bool OnPostgres => true;
}
