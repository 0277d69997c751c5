namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Tells every open circuit (and the webhook sender) about a customer's decision the moment it is recorded.
/// A singleton on purpose: the decision arrives on a public request, the people waiting for it sit in circuits.
/// </summary>
public sealed class ShareNotifier(ILogger<ShareNotifier> logger)
{
    private readonly Lock _gate = new();
    private Action<ShareDecisionEvent>[] _listeners = [];
    private Action<ShareChangeEvent>[] _changeListeners = [];

    /// <summary>Every change to a share (decisions included): pages that list shares reload on it.</summary>
    public IDisposable SubscribeChanges(Action<ShareChangeEvent> listener)
    {
        lock (_gate) _changeListeners = [.. _changeListeners, listener];
        return new ChangeSubscription(this, listener);
    }

    public void PublishChange(ShareChangeEvent change)
    {
        foreach (var listener in Volatile.Read(ref _changeListeners))
        {
            try { listener(change); }
            catch (Exception e) { logger.LogWarning(e, "A listener failed on a change to share {ShareId}", change.ShareId); }
        }
    }

    public IDisposable Subscribe(Action<ShareDecisionEvent> listener)
    {
        lock (_gate) _listeners = [.. _listeners, listener];
        return new Subscription(this, listener);
    }

    public void Publish(ShareDecisionEvent decision)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            // One broken circuit must not keep the others (or the customer's request) from their answer.
            try { listener(decision); }
            catch (Exception e) { logger.LogWarning(e, "A listener failed on the decision for share {ShareId}", decision.ShareId); }
        }
        PublishChange(new ShareChangeEvent(decision.ShareId, decision.AllJobIds.Append(decision.JobId).Distinct().ToList(), ShareActions.Decision));
    }

    private void Remove(Action<ShareDecisionEvent> listener)
    {
        lock (_gate) _listeners = _listeners.Where(l => l != listener).ToArray();
    }

    private void RemoveChange(Action<ShareChangeEvent> listener)
    {
        lock (_gate) _changeListeners = _changeListeners.Where(l => l != listener).ToArray();
    }

    private sealed class ChangeSubscription(ShareNotifier owner, Action<ShareChangeEvent> listener) : IDisposable
    {
        public void Dispose() => owner.RemoveChange(listener);
    }

    private sealed class Subscription(ShareNotifier owner, Action<ShareDecisionEvent> listener) : IDisposable
    {
        public void Dispose() => owner.Remove(listener);
    }
}
