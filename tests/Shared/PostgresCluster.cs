using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Filecheck.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run: Debian's server binaries, a data folder in the temporary
/// folder owned by the <c>postgres</c> user (initdb refuses root), a free loopback port, trust authentication on
/// loopback only. Stopped and removed when the run ends (a process-exit handler); a cluster left by a killed run is
/// stopped and removed by the next one. A machine where it cannot start fails the tests that need it, with the reason.
/// </summary>
public sealed class PostgresCluster
{
    private const string Prefix = "fc-pg-";
    private static readonly Lazy<PostgresCluster> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _bin;
    private readonly string _folder;
    private int _stopped;

    private PostgresCluster(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    /// <summary>The run's cluster, started on first use; throws with the reason when it cannot start (never skips).</summary>
    public static PostgresCluster Shared => Instance.Value;

    public int Port { get; }

    private string Data => Path.Combine(_folder, "data");

    /// <summary>A superuser connection to <paramref name="database"/> over loopback TCP.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // Each test database is dropped with its class: no pooled connection may keep it busy.
        Pooling = true,
        MaxPoolSize = 20,
        Timeout = 15,
        CommandTimeout = 60,
    }.ToString();

    /// <summary>Creates a new empty database <c>fc_…</c> (with <paramref name="options"/> of CREATE DATABASE, if any) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? options = null)
    {
        var name = "fc_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" {options}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever still holds it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static PostgresCluster Start()
    {
        RemoveOrphans();
        var bin = FindBin();
        var folder = Directory.CreateTempSubdirectory(Prefix).FullName;
        File.WriteAllText(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(folder, "socket"));
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", ["-R", "postgres:postgres", folder], folder);

        var cluster = new PostgresCluster(bin, folder, FreePort());
        try
        {
            cluster.Server("initdb", ["-D", cluster.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
            // Durability off: a test database is thrown away, and fsync would only slow the run.
            var settings = $"-p {cluster.Port} -k {Path.Combine(folder, "socket")} -c listen_addresses=127.0.0.1 " +
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            cluster.Server("pg_ctl", ["-D", cluster.Data, "-l", Path.Combine(folder, "server.log"), "-o", settings, "-w", "-t", "60", "start"]);
        }
        catch (Exception e)
        {
            var log = Path.Combine(folder, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
            cluster.Stop();
            throw new InvalidOperationException($"The tests' PostgreSQL could not start: {e.Message}\n{tail}", e);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return cluster;
    }

    /// <summary>Stops the run's cluster if it was started (the end of the tests that use it; the exit handler is the fallback).</summary>
    public static void StopIfStarted()
    {
        if (Instance.IsValueCreated) Instance.Value.Stop();
    }

    /// <summary>Stops the server at once (its data is thrown away) and removes its folder.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        NpgsqlConnection.ClearAllPools();
        StopAndRemove(_bin, _folder);
    }

    private static void StopAndRemove(string bin, string folder)
    {
        var data = Path.Combine(folder, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try { RunServer(bin, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "20", "stop"], folder); }
            catch (InvalidOperationException) { } // already stopped
        }
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Clusters of earlier runs whose test process is gone (killed before its exit handler ran).</summary>
    private static void RemoveOrphans()
    {
        var bin = TryFindBin();
        if (bin is null) return;
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.Combine(folder, "owner.pid");
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), out var pid) || IsAlive(pid)) continue;
            StopAndRemove(bin, folder);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? TryFindBin() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.EnumerateDirectories("/usr/lib/postgresql")
            .Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0)
            .FirstOrDefault()
        : null;

    private static string FindBin() => TryFindBin() ?? throw new InvalidOperationException(
        "The tests need PostgreSQL's server (/usr/lib/postgresql/<version>/bin/initdb): install Debian's 'postgresql' " +
        "(./test.sh does so where it is absent).");

    private void Server(string program, string[] args) => RunServer(_bin, program, args, _folder);

    /// <summary>Runs a server program as the <c>postgres</c> user when this process is root (initdb and postgres refuse root).</summary>
    private static void RunServer(string bin, string program, string[] args, string folder)
    {
        var path = Path.Combine(bin, program);
        if (Environment.UserName == "root") Run("runuser", ["-u", "postgres", "--", path, .. args], folder);
        else Run(path, args, folder);
    }

    private static void Run(string program, string[] args, string workingDirectory)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} did not finish in 90 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {process.ExitCode}: {error.Result.Trim()} {output.Result.Trim()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A fresh database on the run's cluster for one test class (an xUnit class fixture), dropped after it.</summary>
public class PostgresDatabase : IDisposable
{
    private readonly string? _options;
    private string? _connectionString;

    public PostgresDatabase() { }

    /// <summary>A database made with these options of CREATE DATABASE (a collation, say).</summary>
    protected PostgresDatabase(string options) => _options = options;

    /// <summary>The database's connection string; created on first use.</summary>
    public string ConnectionString => _connectionString ??= PostgresCluster.Shared.CreateDatabaseAsync(_options).GetAwaiter().GetResult();

    public void Dispose()
    {
        if (_connectionString is not null) PostgresCluster.Shared.DropDatabaseAsync(_connectionString).GetAwaiter().GetResult();
    }
}
