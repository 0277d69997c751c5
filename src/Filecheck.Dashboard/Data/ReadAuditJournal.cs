using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>One kind of read audit a feature keeps (a staff proof view or download, a share page view, image or download): how its queued lines reach the store.</summary>
public interface IReadAuditFold
{
    /// <summary>The name its lines carry in the journal.</summary>
    string Kind { get; }

    /// <summary>Adds the lines' rows (or counter changes) to <paramref name="db"/>, inside the fold's one transaction.</summary>
    Task FoldAsync(DashboardDbContext db, IReadOnlyList<JsonElement> lines, CancellationToken ct);
}

/// <summary>
/// The audit of reads (a download, a proof view, a share page view or image) queued durably: each is appended to a file in the data
/// folder before the answer goes out, then folded into the store in batches, in one transaction a batch. A store that
/// fails keeps the file for the next fold; a graceful stop folds what is left; a file left by a killed process is
/// folded at the next start. A file is folded whole then deleted, so a crash between the two can count a batch twice,
/// never lose it.
/// </summary>
public sealed class ReadAuditJournal(
    StoreWriter writer, IEnumerable<IReadAuditFold> folds, ReadAuditFolder folder, ILogger<ReadAuditJournal> logger) : IHostedService, IDisposable
{
    /// <summary>A batch is folded when this many lines wait, or after <see cref="FoldEvery"/>.</summary>
    public const int BatchLines = 500;
    public static readonly TimeSpan FoldEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _folding = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<string, IReadAuditFold> _folds = folds.ToDictionary(f => f.Kind);
    private readonly CancellationTokenSource _stopping = new();
    private FileStream? _segment;
    private int _segmentLines;
    private Task _loop = Task.CompletedTask;
    private long _appended, _folded;
    private int _disposed;

    /// <summary>Lines appended by this process, and lines this process folded into the store.</summary>
    public (long Appended, long Folded) Counts => (Interlocked.Read(ref _appended), Interlocked.Read(ref _folded));

    /// <summary>
    /// Appends one read's audit line; it is on its way to the store once this returns (in the operating system's hands,
    /// so a process that dies next keeps it). Throws when the line cannot be written: the caller decides what to refuse.
    /// </summary>
    public void Append<T>(string kind, T entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new JournalLine<T>(kind, entry));
        var full = false;
        lock (_gate)
        {
            _segment ??= OpenSegment();
            _segment.Write(line);
            _segment.WriteByte((byte)'\n');
            _segment.Flush();
            full = ++_segmentLines >= BatchLines;
        }
        Interlocked.Increment(ref _appended);
        if (full) Wake();
    }

    /// <summary>Folds every waiting line into the store now (what the loop does each second; tests wait on it).</summary>
    public async Task FoldNowAsync(CancellationToken ct = default)
    {
        await _folding.WaitAsync(ct);
        try
        {
            CloseSegment();
            if (!Directory.Exists(folder.Path)) return;
            foreach (var file in Directory.EnumerateFiles(folder.Path, "*" + ReadAuditFolder.Extension).Order(StringComparer.Ordinal).ToList())
            {
                await FoldFileAsync(file);
            }
        }
        finally
        {
            _folding.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Disposed first (a host torn down without its stop): nothing can fold here; the files stay for the next start.
        if (Volatile.Read(ref _disposed) == 1) return;
        try
        {
            await _stopping.CancelAsync();
            await _loop;
            // After the web server drained its requests (it stops first): nothing queued is left behind.
            await FoldNowAsync(CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while stopping: the same as above.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Folding the read audit at shutdown failed; its files stay in {Folder} for the next start", folder.Path);
        }
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await FoldNowAsync(_stopping.Token);
                await _wake.WaitAsync(FoldEvery, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Folding the read audit failed; its files stay in {Folder} and are tried again", folder.Path);
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private FileStream OpenSegment()
    {
        Directory.CreateDirectory(folder.Path);
        var name = $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}{ReadAuditFolder.Extension}";
        // Held exclusively while written (an advisory lock on Linux): no fold, here or in another process, reads it half-written.
        return new FileStream(Path.Combine(folder.Path, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096);
    }

    private void CloseSegment()
    {
        lock (_gate)
        {
            _segment?.Dispose();
            _segment = null;
            _segmentLines = 0;
        }
    }

    private async Task FoldFileAsync(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (IOException)
        {
            // Being written (by this process or another on the same folder), or folded by another already.
            return;
        }
        await using (stream)
        {
            var lines = new List<(string Kind, JsonElement Entry)>();
            using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
            {
                while (await reader.ReadLineAsync() is { } text)
                {
                    if (text.Length == 0) continue;
                    try
                    {
                        using var json = JsonDocument.Parse(text);
                        lines.Add((json.RootElement.GetProperty("Kind").GetString()!, json.RootElement.GetProperty("Entry").Clone()));
                    }
                    catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                    {
                        // Only the last line of a process killed mid-write can be torn.
                        logger.LogWarning("A torn read-audit line in {File} is skipped: {Line}", path, text);
                    }
                }
            }
            var byKind = lines.GroupBy(l => l.Kind).ToList();
            foreach (var unknown in byKind.Where(g => !_folds.ContainsKey(g.Key)))
            {
                logger.LogError("{Count} read-audit line(s) of kind {Kind} have no fold in this dashboard; they are not kept: {Lines}",
                    unknown.Count(), unknown.Key, string.Join(" | ", unknown.Select(l => l.Entry.GetRawText())));
            }
            var known = byKind.Where(g => _folds.ContainsKey(g.Key)).ToList();
            if (known.Count > 0)
            {
                try
                {
                    await writer.WriteAsync(async db =>
                    {
                        foreach (var group in known) await _folds[group.Key].FoldAsync(db, group.Select(l => l.Entry).ToList(), CancellationToken.None);
                        return 0;
                    }, CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogError(e, "The store refused {Count} read-audit line(s); they stay in {File} and are folded again", lines.Count, path);
                    return;
                }
            }
            // Deleted while still held: no other fold can open it in between.
            File.Delete(path);
            Interlocked.Add(ref _folded, known.Sum(g => g.Count()));
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // A loop still running (no stop came) ends rather than spinning on disposed handles.
        _stopping.Cancel();
        CloseSegment();
        _folding.Dispose();
        _wake.Dispose();
        _stopping.Dispose();
    }

    private sealed record JournalLine<T>(string Kind, T Entry);
}

/// <summary>
/// Where the read audit waits: beside the SQLite file, or (PostgreSQL) in the content root's data folder, one folder per
/// database so that two stores never fold each other's lines.
/// </summary>
public sealed class ReadAuditFolder(string path)
{
    public const string Extension = ".jsonl";

    public string Path { get; } = path;

    public static ReadAuditFolder For(StoreOptions options, string contentRoot)
    {
        if (options.Engine == StoreEngine.Sqlite) return new(DataSetup.FullPath(options.DatabasePath, contentRoot) + ".read-audit");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        var store = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{builder.Host}:{builder.Port}/{builder.Database}")))[..16];
        return new(System.IO.Path.Combine(contentRoot, "data", "read-audit-" + store));
    }
}
