using Filecheck.Dashboard.Shell;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The bus on PostgreSQL: <c>pg_notify</c> in the transaction of the change (delivered at commit, dropped at rollback),
/// and one dedicated, non-pooled <c>LISTEN</c> connection per instance with TCP and protocol keep-alives, reconnected in a
/// loop when it drops. After a reconnection <see cref="IStoreBus.Reconnected"/> tells pages to re-read what they may have missed.
/// </summary>
public sealed class PostgresStoreBus(IOptions<StoreOptions> store, StoreMigrator migrator, ILogger<PostgresStoreBus> logger, DashboardMetrics metrics)
    : StoreBusBase(logger), IHostedService, IAsyncDisposable
{
    public const string Channel = "filecheck_dashboard";
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _listening = Task.CompletedTask;
    private volatile bool _connected;
    // One instance behind three registrations (itself, the hosted service, IStoreBus): the container disposes it three times.
    private int _disposed;

    public override bool IsConnected => _connected;

    /// <summary>How many times the listening connection was lost and made again.</summary>
    public int Reconnections { get; private set; }

    public override async Task PublishAsync(DashboardDbContext db, string topic, string id, CancellationToken ct)
    {
        var payload = Payload(topic, id);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection)
        {
            Parameters = { new() { Value = Channel }, new() { Value = payload } },
            Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
        };
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task PublishManyAsync(DashboardDbContext db, string topic, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        var payloads = ids.Select(id => Payload(topic, id)).ToArray();
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", connection)
        {
            Parameters = { new() { Value = Channel }, new() { Value = payloads } },
            Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
        };
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task PublishAsync(string topic, string id, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(store.Value.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection)
        {
            Parameters = { new() { Value = Channel }, new() { Value = Payload(topic, id) } },
        };
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.Value.Engine != StoreEngine.Postgres) return Task.CompletedTask;
        _listening = Task.Run(() => ListenLoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1) return;
        await _stopping.CancelAsync();
        await _listening.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ListenLoopAsync(CancellationToken ct)
    {
        var retry = FirstRetry;
        var everConnected = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await migrator.EnsureReadyAsync(ct);
                await using var connection = new NpgsqlConnection(ListenConnectionString());
                connection.Notification += (_, e) => Deliver(e.Payload);
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                _connected = true;
                retry = FirstRetry;
                if (everConnected)
                {
                    Reconnections++;
                    logger.LogInformation("The bus is listening again (reconnection {Count})", Reconnections);
                    metrics.BusReconnected();
                    OnReconnected();
                }
                everConnected = true;
                // Notifications arrive as events while it waits; keep-alives go out while it is idle.
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _connected = false;
                logger.LogWarning(e, "The bus lost its connection; reconnecting in {Delay}", retry);
                try
                {
                    await Task.Delay(retry, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
        _connected = false;
    }

    /// <summary>The store's connection string made dedicated: no pool (a pooled connection would be reset and lose its LISTEN), keep-alives on.</summary>
    private string ListenConnectionString() => new NpgsqlConnectionStringBuilder(store.Value.ConnectionString)
    {
        Pooling = false,
        KeepAlive = 10,
        TcpKeepAlive = true,
        ApplicationName = "filecheck-dashboard-bus",
    }.ToString();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        await _listening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
