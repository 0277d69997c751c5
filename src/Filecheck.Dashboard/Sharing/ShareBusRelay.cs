using System.Globalization;
using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Carries a customer's decision or comment to the other instances on the store: announced on the bus in the change's
/// transaction (IDs only), re-read from the store where it is heard, then told to that instance's circuits and webhook by
/// <see cref="ShareNotifier"/>. The instance that made the change tells its own at once and skips its own announcement,
/// so with one instance (the in-memory bus) nothing changes.
/// </summary>
public sealed class ShareBusRelay(IStoreBus bus, IDbContextFactory<DashboardDbContext> factory, ShareNotifier notifier, ILogger<ShareBusRelay> logger)
    : IHostedService, IDisposable
{
    private const string DecisionKind = "d";
    private const string ChangeKind = "c";
    // Which process announced: the one that made the change has already told its own circuits.
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private IDisposable? _subscription;

    /// <summary>In <paramref name="db"/>'s open transaction: the decision on file <paramref name="position"/>, round <paramref name="round"/>.</summary>
    public Task AnnounceDecisionAsync(DashboardDbContext db, long shareId, int position, int round, CancellationToken ct) =>
        bus.PublishAsync(db, BusTopics.ShareDecision, Payload(DecisionKind, shareId, position.ToString(CultureInfo.InvariantCulture), round.ToString(CultureInfo.InvariantCulture)), ct);

    /// <summary>In <paramref name="db"/>'s open transaction: a change of kind <paramref name="action"/> (a <see cref="ShareActions"/> name) on the share.</summary>
    public Task AnnounceChangeAsync(DashboardDbContext db, long shareId, string action, CancellationToken ct) =>
        bus.PublishAsync(db, BusTopics.ShareDecision, Payload(ChangeKind, shareId, action), ct);

    private string Payload(string kind, long shareId, params string[] rest) =>
        string.Join(':', [kind, _origin, shareId.ToString(CultureInfo.InvariantCulture), .. rest]);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(BusTopics.ShareDecision, Heard);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();

    private void Heard(string payload)
    {
        var parts = payload.Split(':');
        if (parts.Length < 4 || parts[1] == _origin || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var shareId)) return;
        // The bus's listener must not wait on the store: re-read beside it.
        _ = Task.Run(async () =>
        {
            try
            {
                if (parts[0] == DecisionKind && parts.Length == 5
                    && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                    && int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var round))
                {
                    await RelayDecisionAsync(shareId, position, round);
                }
                else if (parts[0] == ChangeKind)
                {
                    await RelayChangeAsync(shareId, parts[3]);
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not pass on a change to share {ShareId} heard on the bus", shareId);
            }
        });
    }

    private async Task RelayDecisionAsync(long shareId, int position, int round)
    {
        await using var db = await factory.CreateDbContextAsync();
        if (await ReadDecisionAsync(db, shareId, position, round, CancellationToken.None) is { } decision) notifier.Publish(decision);
    }

    /// <summary>The decision on one round of one file as the store has it; null when it (or its share) is gone.</summary>
    internal static async Task<ShareDecisionEvent?> ReadDecisionAsync(DashboardDbContext db, long shareId, int position, int round, CancellationToken ct)
    {
        var decision = await db.ShareDecisions.AsNoTracking().FirstOrDefaultAsync(d => d.ShareId == shareId && d.Position == position && d.Round == round, ct);
        var share = await db.Shares.AsNoTracking().Include(s => s.Files).Include(s => s.Rounds).AsSplitQuery().FirstOrDefaultAsync(s => s.Id == shareId, ct);
        if (decision is null || share is null || ShareRoundFiles.FileOf(share.Files, share.Rounds, position, round) is not { } file) return null;
        return new ShareDecisionEvent(shareId, file.JobId, file.TaskId, file.Name, decision.Decision, decision.Name, decision.Note, decision.At,
            share.CreatedBy, share.RecipientName)
        {
            Round = round,
            AllJobIds = JobsOf(share),
        };
    }

    private async Task RelayChangeAsync(long shareId, string action)
    {
        await using var db = await factory.CreateDbContextAsync();
        if (await SharedAsync(db, shareId) is { } share) notifier.PublishChange(new ShareChangeEvent(shareId, JobsOf(share), action));
    }

    private static Task<ShareRecord?> SharedAsync(DashboardDbContext db, long shareId) =>
        db.Shares.AsNoTracking().Include(s => s.Files).Include(s => s.Rounds).AsSplitQuery().FirstOrDefaultAsync(s => s.Id == shareId);

    private static List<string> JobsOf(ShareRecord share) => ShareRoundFiles.All(share.Files, share.Rounds).Select(f => f.JobId).Distinct().ToList();
}
