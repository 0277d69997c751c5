using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>Where a rebuild is: days done of days to do.</summary>
public sealed record RollupRebuildProgress(bool Running, int DaysDone, int DaysTotal, int DaysKept, DateTimeOffset? FinishedAt, string? Error)
{
    public double Percent => DaysTotal == 0 ? (Running ? 0 : 100) : 100.0 * DaysDone / DaysTotal;
}

/// <summary>
/// Rebuilds the rollups from scratch, a day at a time, each day in one write through the history's gate so a save never
/// sees half a day. A day whose jobs all had their steps pruned by retention is kept as it is: its details are gone,
/// and its rollups are the only record of them left. Pruned jobs on a day that is rebuilt keep their stored details.
/// </summary>
public sealed class RollupRebuild(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, HistoryWriter historyWriter, RollupWriter writer, TimeProvider clock, ILogger<RollupRebuild> logger, LeaseKeeper leases)
{
    /// <summary>The lease a rebuild runs under: several instances starting together rebuild once.</summary>
    public const string LeaseName = "rollup-rebuild";

    private readonly Lock _gate = new();
    private Task? _running;

    public RollupRebuildProgress Progress { get; private set; } = new(false, 0, 0, 0, null, null);

    /// <summary>Starts a rebuild in the background unless one is running; false when one already is.</summary>
    public bool TryStart()
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false }) return false;
            Progress = new(true, 0, 0, 0, null, null);
            _running = Task.Run(() => RunAsync(CancellationToken.None));
            return true;
        }
    }

    public Task Completion => _running ?? Task.CompletedTask;

    /// <summary>
    /// The zone the stored rollups were counted in while a rebuild recounts them in <c>Trends:TimeZone</c>: until it is
    /// done their days are a mix of both, so the trends page shows none of them. Null otherwise.
    /// </summary>
    public string? RebuildingFromZone { get; private set; }

    /// <summary>The zone the rollups are counted in now (<c>Trends:TimeZone</c>).</summary>
    public string ZoneId => writer.Zone.Id;

    /// <summary>
    /// Jobs are held but none was ever counted (the store predates the rollups), the marginals were added since, or the
    /// rollups were counted in another time zone than <c>Trends:TimeZone</c> (then <see cref="RebuildingFromZone"/> says which).
    /// </summary>
    public async Task<bool> NeedsRebuildAsync(CancellationToken ct)
    {
        await migrator.EnsureReadyAsync(ct);
        var zone = writer.Zone.Id;
        // A store from before the zone was kept: its rollups were counted in the zone configured then, taken to be this one.
        var built = await historyWriter.WriteAsync(async db =>
        {
            if (await db.Set<RollupState>().FirstOrDefaultAsync(s => s.Id == 1, ct) is { } state) return state.TimeZone;
            db.Set<RollupState>().Add(new RollupState { TimeZone = zone });
            return zone;
        }, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!string.Equals(built, zone, StringComparison.Ordinal))
        {
            if (!await db.Set<RollupJob>().AnyAsync(ct) && !await db.Set<OutcomeRollup>().AnyAsync(ct))
            {
                // Nothing was counted in the old zone: nothing to mix up.
                await MarkBuiltAsync(zone, ct);
                return false;
            }
            logger.LogWarning("Trends:TimeZone is {Zone}, but the rollups were counted in {Built}: rebuilding them", zone, built);
            RebuildingFromZone = built;
            return true;
        }
        if (!await db.Jobs.AnyAsync(j => j.IsTerminal, ct)) return false;
        return !await db.Set<RollupJob>().AnyAsync(ct)
            || (await db.Set<OutcomeRollup>().AnyAsync(ct) && !await db.Set<OutcomeMarginal>().AnyAsync(ct));
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await using var held = await leases.TryHoldAsync(LeaseName, ct);
        if (held is null)
        {
            // Another instance rebuilds; its writes are the same store's.
            logger.LogInformation("Another instance is rebuilding the rollups");
            Progress = new(false, 0, 0, 0, clock.GetUtcNow(), null);
            return;
        }
        // Every day's write checks the lease: a paused rebuild cannot write over a successor's.
        using var fence = LeaseFence.Enter(held.Lease);
        try
        {
            Progress = new(true, 0, 0, 0, null, null);
            var zone = writer.Zone;
            var created = await historyWriter.WriteAsync(async db =>
                await db.Jobs.AsNoTracking().Where(j => j.CreatedAt != null).Select(j => j.CreatedAt!.Value).ToListAsync(ct), ct);
            // Every day stored too: a day counted in another zone that holds no job in this one is emptied, not left behind.
            var storedDays = await historyWriter.WriteAsync(async db => await db.Set<OutcomeRollup>().Select(r => r.Day)
                .Union(db.Set<StepRollup>().Select(r => r.Day)).Union(db.Set<ReasonRollup>().Select(r => r.Day)).ToListAsync(ct), ct);
            var days = created.Select(c => JobContribution.DayOf(c, zone)).Concat(storedDays).Distinct().Order().ToList();
            await SumMarginalsAsync(ct);
            var kept = 0;
            for (var i = 0; i < days.Count; i++)
            {
                if (!await RebuildDayAsync(days[i], zone, ct)) kept++;
                Progress = new(true, i + 1, days.Count, kept, null, null);
            }
            await MarkBuiltAsync(zone.Id, ct);
            RebuildingFromZone = null;
            Progress = new(false, days.Count, days.Count, kept, clock.GetUtcNow(), null);
            logger.LogInformation("Rollups rebuilt: {Days} days, {Kept} kept (steps pruned)", days.Count, kept);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Rollup rebuild failed");
            Progress = Progress with { Running = false, FinishedAt = clock.GetUtcNow(), Error = "The rebuild stopped: " + e.Message };
        }
    }

    /// <summary>Records the zone the rollups are now counted in.</summary>
    private Task MarkBuiltAsync(string zone, CancellationToken ct) =>
        historyWriter.WriteAsync(async db =>
        {
            var state = await db.Set<RollupState>().FirstOrDefaultAsync(s => s.Id == 1, ct);
            if (state is null) db.Set<RollupState>().Add(state = new RollupState { TimeZone = zone });
            state.TimeZone = zone;
            state.RebuiltAt = clock.GetUtcNow();
            return 0;
        }, ct);

    /// <summary>Recomputes one day; false when the day was kept (every job's steps pruned).</summary>
    private Task<bool> RebuildDayAsync(DateOnly day, TimeZoneInfo zone, CancellationToken ct) =>
        historyWriter.WriteAsync(async db =>
        {
            // Several instances (PostgreSQL): no save counts a job on this day while it is recounted (StoreSql's day locks).
            await db.LockDayExclusiveAsync(day, ct);
            var (from, to) = UtcBounds(day, zone);
            // Untracked: the rebuild writes the rollups itself; the save hook only follows tracked job rows.
            var jobs = await db.Jobs.AsNoTracking().Where(j => j.CreatedAt >= from && j.CreatedAt < to).ToListAsync(ct);
            jobs = jobs.Where(j => JobContribution.DayOf(j.CreatedAt!.Value, zone) == day).ToList();
            if (jobs.Count > 0 && jobs.All(j => j.StepsPrunedAt != null)) return false;

            // The day as stored is taken away (from its rows and the marginals holding it) and counted again below.
            var delta = await StoredDayAsync(db, day, -1, ct);

            var ids = jobs.Select(j => j.Id).ToList();
            var stored = await db.Set<RollupJob>().Where(r => ids.Contains(r.JobId)).ToDictionaryAsync(r => r.JobId, StringComparer.Ordinal, ct);
            var tasks = (await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.JobId)).ToListAsync(ct)).ToLookup(t => t.JobId, StringComparer.Ordinal);
            var steps = (await db.Steps.AsNoTracking().Where(s => ids.Contains(s.JobId)).ToListAsync(ct)).ToLookup(s => s.JobId, StringComparer.Ordinal);
            foreach (var row in jobs)
            {
                var before = stored.GetValueOrDefault(row.Id);
                // A pruned job keeps what it added before; one never counted (rollups added after pruning) gives its files.
                var details = row.StepsPrunedAt is not null && before is not null
                    ? JobContribution.FromJson(before.Contribution)
                    : JobContribution.Details(tasks[row.Id], steps[row.Id], () => JobBody.Deserialize(row.Body));
                var now = JobContribution.For(row, details, zone);
                delta.Add(now, +1);
                var json = now.ToJson();
                if (before is null) db.Set<RollupJob>().Add(new RollupJob { JobId = row.Id, Contribution = json });
                else before.Contribution = json;
            }
            await delta.ApplyAsync(db, ct);
            return true;
        }, ct);

    /// <summary>
    /// The marginals summed again from the daily rows as stored, in one write (a save never sees them half done): from
    /// here on they agree with the daily rows, kept days included, and every day rebuilt below changes both alike.
    /// </summary>
    private Task SumMarginalsAsync(CancellationToken ct) =>
        historyWriter.WriteAsync(async db =>
        {
            // No save on any day while the marginals are summed again from the daily rows (PostgreSQL).
            await db.LockDayExclusiveAsync(null, ct);
            await db.Set<OutcomeMarginal>().ExecuteDeleteAsync(ct);
            await db.Set<StepMarginal>().ExecuteDeleteAsync(ct);
            await db.Set<ReasonMarginal>().ExecuteDeleteAsync(ct);
            var days = await db.Set<OutcomeRollup>().Select(r => r.Day)
                .Union(db.Set<StepRollup>().Select(r => r.Day)).Union(db.Set<ReasonRollup>().Select(r => r.Day)).ToListAsync(ct);
            foreach (var day in days.Order())
            {
                await (await StoredDayAsync(db, day, +1, ct)).ApplyAsync(db, ct, daily: false);
            }
            return true;
        }, ct);

    private static async Task<RollupDelta> StoredDayAsync(DashboardDbContext db, DateOnly day, int sign, CancellationToken ct)
    {
        var delta = new RollupDelta();
        foreach (var r in await db.Set<OutcomeRollup>().AsNoTracking().Where(r => r.Day == day).ToListAsync(ct)) delta.Add(r, sign);
        foreach (var r in await db.Set<StepRollup>().AsNoTracking().Where(r => r.Day == day).ToListAsync(ct)) delta.Add(r, sign);
        foreach (var r in await db.Set<ReasonRollup>().AsNoTracking().Where(r => r.Day == day).ToListAsync(ct)) delta.Add(r, sign);
        return delta;
    }

    internal static (DateTimeOffset From, DateTimeOffset To) UtcBounds(DateOnly day, TimeZoneInfo zone)
    {
        // A day's bounds widened by a day each side; the caller keeps the jobs whose local day matches.
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
        return (start, start.AddDays(3));
    }
}
