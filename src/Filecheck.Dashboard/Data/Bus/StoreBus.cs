using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Filecheck.Dashboard.Data;

/// <summary>What the bus carries; every payload is an ID, never data (a receiver re-reads the store).</summary>
public static class BusTopics
{
    /// <summary>A job's new version is in the store (the job ID).</summary>
    public const string JobVersion = "job";
    /// <summary>A customer decided on a share (the share ID).</summary>
    public const string ShareDecision = "decision";
    /// <summary>A session ended (<c>s:</c>session ID) or every session of a user (<c>u:</c>user ID).</summary>
    public const string SessionEnded = "session-ended";
    /// <summary>Someone asked for a sync run now; the sync's holder runs it.</summary>
    public const string SyncNow = "sync-now";
    /// <summary>Options were reloaded (the section name).</summary>
    public const string OptionsReloaded = "options";
}

/// <summary>
/// Tells every instance on the store that something changed: PostgreSQL <c>LISTEN/NOTIFY</c> with several instances, in
/// memory with one. A notification published in a transaction is delivered only once it commits, and never if it rolls back.
/// </summary>
public interface IStoreBus
{
    /// <summary>Published in <paramref name="db"/>'s open transaction: delivered everywhere after the commit.</summary>
    Task PublishAsync(DashboardDbContext db, string topic, string id, CancellationToken ct);

    /// <summary>Published on its own (nothing in the store changed with it, e.g. "sync now").</summary>
    Task PublishAsync(string topic, string id, CancellationToken ct);

    /// <summary>One notification per ID in <paramref name="db"/>'s open transaction, in one round trip (a page of the sync's jobs).</summary>
    Task PublishManyAsync(DashboardDbContext db, string topic, IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>Calls <paramref name="handler"/> with the ID of every notification of <paramref name="topic"/>, from any instance, this one included.</summary>
    IDisposable Subscribe(string topic, Action<string> handler);

    /// <summary>Raised after the bus came back from a lost connection: notifications may have been missed, so re-read.</summary>
    event Action? Reconnected;

    /// <summary>Listening now (always with one instance).</summary>
    bool IsConnected { get; }
}

/// <summary>The subscribers of this process, shared by both forms of the bus.</summary>
public abstract class StoreBusBase(ILogger logger) : IStoreBus
{
    internal const char Separator = ':';
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _handlers = new(StringComparer.Ordinal);

    public event Action? Reconnected;

    public abstract bool IsConnected { get; }

    public abstract Task PublishAsync(DashboardDbContext db, string topic, string id, CancellationToken ct);

    public abstract Task PublishAsync(string topic, string id, CancellationToken ct);

    public abstract Task PublishManyAsync(DashboardDbContext db, string topic, IReadOnlyCollection<string> ids, CancellationToken ct);

    public IDisposable Subscribe(string topic, Action<string> handler)
    {
        _handlers.AddOrUpdate(topic, _ => new([handler]), (_, h) => new([.. h.List, handler]));
        return new Unsubscribe(() => _handlers.AddOrUpdate(topic, _ => new([]), (_, h) => new([.. h.List.Where(x => x != handler)])));
    }

    /// <summary>The wire form: <c>topic:id</c> (an ID may hold the separator; a topic never does).</summary>
    internal static string Payload(string topic, string id)
    {
        if (topic.Contains(Separator, StringComparison.Ordinal)) throw new ArgumentException($"A bus topic has no '{Separator}': '{topic}'.", nameof(topic));
        return topic + Separator + id;
    }

    internal void Deliver(string payload)
    {
        var at = payload.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0) return;
        var topic = payload[..at];
        var id = payload[(at + 1)..];
        if (!_handlers.TryGetValue(topic, out var handlers)) return;
        foreach (var handler in handlers.List)
        {
            try
            {
                handler(id);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A handler of the bus topic {Topic} failed", topic);
            }
        }
    }

    protected void OnReconnected() => Reconnected?.Invoke();

    private sealed record ImmutableHandlers(Action<string>[] List);

    private sealed class Unsubscribe(Action undo) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) undo();
        }
    }
}

/// <summary>
/// One instance (SQLite): the bus in memory. Notifications published in a transaction wait for its commit (this is the
/// SQLite context's transaction interceptor), like <c>NOTIFY</c> on PostgreSQL.
/// </summary>
public sealed class InMemoryStoreBus(ILogger<InMemoryStoreBus> logger) : StoreBusBase(logger), IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<string>> _pending = [];

    public override bool IsConnected => true;

    public override Task PublishAsync(DashboardDbContext db, string topic, string id, CancellationToken ct)
    {
        var payload = Payload(topic, id);
        if (db.Database.CurrentTransaction is null)
        {
            Deliver(payload);
            return Task.CompletedTask;
        }
        var pending = _pending.GetOrCreateValue(db);
        lock (pending) pending.Add(payload);
        return Task.CompletedTask;
    }

    public override Task PublishAsync(string topic, string id, CancellationToken ct)
    {
        Deliver(Payload(topic, id));
        return Task.CompletedTask;
    }

    public override async Task PublishManyAsync(DashboardDbContext db, string topic, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        foreach (var id in ids) await PublishAsync(db, topic, id, ct);
    }

    private void Committed(DbContext? db)
    {
        if (db is null || !_pending.TryGetValue(db, out var pending)) return;
        _pending.Remove(db);
        string[] payloads;
        lock (pending) payloads = [.. pending];
        foreach (var payload in payloads) Deliver(payload);
    }

    private void RolledBack(DbContext? db)
    {
        if (db is not null) _pending.Remove(db);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => RolledBack(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }
}
