using System.Collections.Concurrent;
using System.Security.Claims;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Filecheck.Dashboard.Access;

/// <summary>A sign-in session as the store keeps it, until it would have expired: who, with which roles, since when, and whether it was ended.</summary>
public sealed class SessionRecord
{
    /// <summary>The session's id, stamped into its cookie (<see cref="SessionClaims.SessionId"/>).</summary>
    public required string Id { get; set; }
    /// <summary>The user's stable ID (<see cref="UserKey"/>).</summary>
    public required string UserId { get; set; }
    public required string UserName { get; set; }
    /// <summary>The roles the cookie carries, comma-separated, as the identity provider gave them at sign-in.</summary>
    public string Roles { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Set by a sign-out (the user's own, or an admin's): its cookie is refused from then on, on every instance.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndedBy { get; set; }
}

/// <summary>The sessions' table in the store.</summary>
internal sealed class SessionModel : IEntityTypeConfiguration<SessionRecord>
{
    public void Configure(EntityTypeBuilder<SessionRecord> e)
    {
        e.ToTable("Sessions");
        e.HasKey(s => s.Id);
        e.HasIndex(s => s.UserId);
        // Pruning and the list of who is signed in read by the end.
        e.HasIndex(s => s.ExpiresAt);
    }
}

public static class SessionTables
{
    extension(DashboardDbContext db)
    {
        public DbSet<SessionRecord> Sessions => db.Set<SessionRecord>();
    }
}

/// <summary>A session ended on this instance: its open circuits here sign out at once (others at their next revalidation).</summary>
public sealed record SessionEnded(string? SessionId, string? UserId);

/// <summary>
/// The sessions in the store, so that a sign-out holds across a restart and on every instance on the same store: a
/// copied cookie of an ended session is refused until it would have expired anyway, when its row is pruned.
/// </summary>
public sealed class SessionStore
{
    private readonly IDbContextFactory<DashboardDbContext> factory;
    private readonly StoreMigrator migrator;
    private readonly StoreWriter writer;
    private readonly TimeProvider time;
    private readonly ILogger<SessionStore> logger;
    private readonly IStoreBus bus;

    public SessionStore(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, StoreWriter writer, TimeProvider time,
        ILogger<SessionStore> logger, IStoreBus bus)
    {
        this.factory = factory;
        this.migrator = migrator;
        this.writer = writer;
        this.time = time;
        this.logger = logger;
        this.bus = bus;
        // A sign-out on any instance on this store (this one included) reaches this instance's open circuits at once.
        bus.Subscribe(BusTopics.SessionEnded, OnEndedMessage);
    }

    /// <summary>How often "last seen" is written per session: often enough to read, rarely enough to cost nothing.</summary>
    public static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new();

    /// <summary>Raised after a session (or every session of a user) is ended, on any instance on this store (heard on the bus).</summary>
    public event Action<SessionEnded>? Ended;

    /// <summary>A new sign-in: its row, with the roles it carries.</summary>
    public async Task RecordSignInAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (RecordFor(user) is not { } record) return;
        await writer.WriteAsync(async db =>
        {
            if (await db.Sessions.FindAsync([record.Id], ct) is null) db.Add(record);
            return 0;
        }, ct);
        _touched[record.Id] = record.LastSeenAt;
    }

    /// <summary>Signed in, not past its end, and not ended in the store (by anyone, on any instance).</summary>
    public async Task<bool> IsValidAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.Identity?.IsAuthenticated != true
            || SessionClaims.IdOf(user) is not { } id
            || SessionClaims.ExpiryOf(user) is not { } expires
            || time.GetUtcNow() >= expires)
        {
            return false;
        }
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var ended = await db.Sessions.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.EndedAt }).FirstOrDefaultAsync(ct);
        if (ended?.EndedAt is not null) return false;
        Touch(user, known: ended is not null);
        return true;
    }

    /// <summary>The user's own sign-out.</summary>
    public Task EndAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        RecordFor(user) is { } record ? EndAsync(record, UserKey.NameOf(user), ct) : Task.CompletedTask;

    /// <summary>An admin ends one session; false when there is no such session still open.</summary>
    public async Task<bool> EndSessionAsync(string sessionId, string endedBy, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var ended = await writer.WriteAsync(async db =>
        {
            var row = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId && s.EndedAt == null, ct);
            if (row is null) return false;
            row.EndedAt = now;
            row.EndedBy = endedBy;
            await bus.PublishAsync(db, BusTopics.SessionEnded, SessionPrefix + sessionId, ct);
            return true;
        }, ct);
        return ended;
    }

    /// <summary>An admin ends every open session of a user; how many were ended.</summary>
    public async Task<int> EndUserAsync(string userId, string endedBy, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var count = await writer.WriteAsync(async db =>
        {
            var rows = await db.Sessions.Where(s => s.UserId == userId && s.EndedAt == null).ToListAsync(ct);
            foreach (var row in rows)
            {
                row.EndedAt = now;
                row.EndedBy = endedBy;
            }
            await bus.PublishAsync(db, BusTopics.SessionEnded, UserPrefix + userId, ct);
            return rows.Count;
        }, ct);
        return count;
    }

    /// <summary>Who is signed in: open sessions not past their end, most recently seen first.</summary>
    public async Task<IReadOnlyList<SessionRecord>> OpenAsync(CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var open = await db.Sessions.AsNoTracking().Where(s => s.EndedAt == null && s.ExpiresAt > now).ToListAsync(ct);
        return open.OrderByDescending(s => s.LastSeenAt).ToList();
    }

    /// <summary>Removes the rows of sessions past their end: their cookies are refused by their own expiry now.</summary>
    public Task<int> PruneAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        foreach (var (id, at) in _touched)
        {
            if (at < now - TouchEvery) _touched.TryRemove(id, out _);
        }
        return writer.WriteAsync(db => db.Sessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(ct), ct);
    }

    private async Task EndAsync(SessionRecord record, string endedBy, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await writer.WriteAsync(async db =>
        {
            var row = await db.Sessions.FindAsync([record.Id], ct);
            if (row is null) db.Add(row = record);
            row.EndedAt ??= now;
            row.EndedBy ??= endedBy;
            await bus.PublishAsync(db, BusTopics.SessionEnded, SessionPrefix + record.Id, ct);
            return 0;
        }, ct);
    }

    private const string SessionPrefix = "s:";
    private const string UserPrefix = "u:";

    private void OnEndedMessage(string id)
    {
        if (id.StartsWith(SessionPrefix, StringComparison.Ordinal)) Ended?.Invoke(new SessionEnded(id[SessionPrefix.Length..], null));
        else if (id.StartsWith(UserPrefix, StringComparison.Ordinal)) Ended?.Invoke(new SessionEnded(null, id[UserPrefix.Length..]));
    }

    /// <summary>Writes "last seen" at most every <see cref="TouchEvery"/>, off the request's path; adds the row of a session signed in before rows were kept.</summary>
    private void Touch(ClaimsPrincipal user, bool known)
    {
        var now = time.GetUtcNow();
        var id = SessionClaims.IdOf(user)!;
        if (known && _touched.TryGetValue(id, out var last) && now - last < TouchEvery) return;
        _touched[id] = now;
        var record = RecordFor(user);
        _ = Task.Run(async () =>
        {
            try
            {
                await writer.WriteAsync(async db =>
                {
                    var row = await db.Sessions.FindAsync([id], CancellationToken.None);
                    if (row is null) db.Add(record!);
                    else row.LastSeenAt = now;
                    return 0;
                }, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Last seen is for reading only; whether the session is ended never depends on this write.
                logger.LogWarning(e, "Could not note when session {SessionId} was last seen", id);
            }
        });
    }

    private SessionRecord? RecordFor(ClaimsPrincipal user)
    {
        if (SessionClaims.IdOf(user) is not { } id || SessionClaims.ExpiryOf(user) is not { } expires) return null;
        var now = time.GetUtcNow();
        var roles = user.Claims.Where(c => c.Type == ClaimTypes.Role || c.Type == "roles" || c.Type == (user.Identity as ClaimsIdentity)?.RoleClaimType)
            .Select(c => c.Value).Distinct();
        return new SessionRecord
        {
            Id = id, UserId = UserKey.Of(user) ?? "unknown", UserName = UserKey.NameOf(user), Roles = string.Join(",", roles),
            StartedAt = now, LastSeenAt = now, ExpiresAt = expires,
        };
    }
}

/// <summary>Prunes the rows of sessions past their end, at start and every hour.</summary>
internal sealed class SessionPruning(SessionStore sessions, ILogger<SessionPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                var pruned = await sessions.PruneAsync(stoppingToken);
                if (pruned > 0) logger.LogInformation("Pruned {Count} expired sessions", pruned);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not prune expired sessions; trying again in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
