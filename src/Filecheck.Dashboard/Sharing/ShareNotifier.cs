namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Tells every open circuit (and the webhook sender) about a customer's decision the moment it is recorded.
/// A singleton on purpose: the decision arrives on a public request, the people waiting for it sit in circuits.
/// </summary>
public sealed class ShareNotifier(ILogger<ShareNotifier> logger)
{
    private readonly Lock _gate = new();
    private Action<ShareDecisionEvent>[] _listeners = [];

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
    }

    private void Remove(Action<ShareDecisionEvent> listener)
    {
        lock (_gate) _listeners = _listeners.Where(l => l != listener).ToArray();
    }

    private sealed class Subscription(ShareNotifier owner, Action<ShareDecisionEvent> listener) : IDisposable
    {
        public void Dispose() => owner.Remove(listener);
    }
}
