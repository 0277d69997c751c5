using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Filecheck.Testing;
using Npgsql;

namespace Filecheck.EndToEnd.Tests.Instances;

/// <summary>
/// Three dashboard processes (the built DLL) on three loopback ports, one PostgreSQL database, one standalone sandbox
/// process whose requests are counted: started once for the class, stopped at its end.
/// </summary>
public sealed class ThreeInstances : IAsyncLifetime
{
    public const string ApiKey = "sk_test_instances";
    /// <summary>Short, so that a take-over fits in a test: the default is 30 s.</summary>
    public static readonly TimeSpan LeaseExpiry = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(2);
    /// <summary>A running job's poll at a fixed pace (no back-off), so that polls can be counted per interval.</summary>
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private Process? _sandbox;
    private Process? _nginx;
    private string? _nginxFolder;
    private readonly StringBuilder _nginxOutput = new();
    private readonly StringBuilder _sandboxOutput = new();

    public string ConnectionString { get; private set; } = "";
    public Uri SandboxAddress { get; private set; } = default!;
    private readonly Dictionary<string, DashboardProcess> _dashboards = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DashboardProcess> Dashboards => _dashboards;
    public HttpClient Sandbox { get; } = new();

    /// <summary>nginx in front of the three, with the configuration of docs/nginx/filecheck-dashboard.conf.</summary>
    public Uri Nginx { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        await StartSandboxAsync();
        string[] names = ["a", "b", "c"];
        var started = await Task.WhenAll(names.Select(StartDashboardAsync));
        foreach (var (name, dashboard) in names.Zip(started)) _dashboards[name] = dashboard;
        await StartNginxAsync();
    }

    private Task<DashboardProcess> StartDashboardAsync(string name) => DashboardProcess.StartAsync(new Dictionary<string, string>
    {
        // Development for the demo sign-in; with Filecheck:BaseUrl set, no built-in sandbox starts.
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["History__Provider"] = "Postgres",
        ["ConnectionStrings__History"] = ConnectionString,
        ["Filecheck__BaseUrl"] = SandboxAddress.ToString(),
        ["Filecheck__ApiKey"] = ApiKey,
        ["History__Sync__Enabled"] = "true",
        // The whole small history in the first run: the default budget (300 a minute) would take a minute of the class.
        ["History__Sync__RequestsPerMinute"] = "6000",
        ["History__Sync__Interval"] = SyncInterval.ToString(),
        ["Leases__Expiry"] = LeaseExpiry.ToString(),
        ["Leases__InstanceName"] = name,
        ["Jobs__Watcher__MinInterval"] = WatchInterval.ToString(),
        ["Jobs__Watcher__MaxInterval"] = WatchInterval.ToString(),
    }, TimeSpan.FromSeconds(150));

    /// <summary>Starts again (on a new port) any instance a test killed, so that every test starts with three.</summary>
    public async Task ReviveAsync()
    {
        foreach (var (name, dashboard) in _dashboards.Where(d => d.Value.HasExited).ToList())
        {
            await dashboard.DisposeAsync();
            _dashboards[name] = await StartDashboardAsync(name);
        }
    }

    private async Task StartSandboxAsync()
    {
        var port = FreePort();
        SandboxAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Filecheck.Sandbox.dll"), "--port", port.ToString(),
            "--key", ApiKey, "--jobs", "300", "--days", "30", "--running", "2", "--new-job-every", "0" })
        {
            start.ArgumentList.Add(arg);
        }
        _sandbox = new Process { StartInfo = start };
        _sandbox.OutputDataReceived += (_, e) => { lock (_sandboxOutput) _sandboxOutput.AppendLine(e.Data); };
        _sandbox.ErrorDataReceived += (_, e) => { lock (_sandboxOutput) _sandboxOutput.AppendLine(e.Data); };
        _sandbox.Start();
        _sandbox.BeginOutputReadLine();
        _sandbox.BeginErrorReadLine();
        Sandbox.BaseAddress = SandboxAddress;
        Sandbox.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        await Until.TrueAsync(async () =>
        {
            if (_sandbox.HasExited) throw new InvalidOperationException("The sandbox exited:\n" + _sandboxOutput);
            try
            {
                return (await Sandbox.GetAsync("_sandbox")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the sandbox answers");
    }

    /// <summary>Debian's nginx as a foreground process, its files in a temporary folder, the documented site on a free loopback port.</summary>
    private async Task StartNginxAsync()
    {
        var binary = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var folder = _nginxFolder = Directory.CreateTempSubdirectory("fc-nginx-").FullName;
        // The workers run as an unprivileged user when the tests run as root: they write their buffers here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        var port = FreePort();
        Nginx = new Uri($"http://127.0.0.1:{port}/");
        var site = File.ReadAllText(Path.Combine(DashboardHost.RepositoryRoot(), "docs", "nginx", "filecheck-dashboard.conf"))
            .Replace("${LISTEN}", $"127.0.0.1:{port}", StringComparison.Ordinal);
        var instances = _dashboards.Values.ToList();
        for (var i = 0; i < instances.Count; i++)
        {
            site = site.Replace($"${{INSTANCE_{i + 1}}}", instances[i].BaseAddress.Authority, StringComparison.Ordinal);
        }
        File.WriteAllText(Path.Combine(folder, "site.conf"), site);
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 512; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/site.conf;
            }
            """);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-e", Path.Combine(folder, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }
        _nginx = new Process { StartInfo = start };
        _nginx.OutputDataReceived += (_, e) => { lock (_nginxOutput) _nginxOutput.AppendLine(e.Data); };
        _nginx.ErrorDataReceived += (_, e) => { lock (_nginxOutput) _nginxOutput.AppendLine(e.Data); };
        _nginx.Start();
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        await Until.TrueAsync(async () =>
        {
            if (_nginx.HasExited)
            {
                var log = Path.Combine(folder, "error.log");
                throw new InvalidOperationException("nginx exited:\n" + _nginxOutput + (File.Exists(log) ? File.ReadAllText(log) : ""));
            }
            try
            {
                return (int)(await client.GetAsync(Nginx)).StatusCode < 500;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "nginx answers with a dashboard behind it");
    }

    /// <summary>What nginx said, for a failing test: its output and error log, and whether it exited.</summary>
    public string NginxLog
    {
        get
        {
            var log = _nginxFolder is null ? "" : Path.Combine(_nginxFolder, "error.log");
            lock (_nginxOutput) return $"nginx exited: {_nginx?.HasExited}\n{_nginxOutput}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}";
        }
    }

    /// <summary>The sandbox's count of API requests per path since the last reset.</summary>
    public async Task<int> RequestsAsync(string path)
    {
        var counts = JsonNode.Parse(await Sandbox.GetStringAsync("_sandbox/requests"))!;
        return counts["paths"]?[path]?.GetValue<int>() ?? 0;
    }

    public Task ResetRequestsAsync() => Sandbox.DeleteAsync("_sandbox/requests");

    /// <summary>The lease row as the store has it: holder and fencing token; null before any instance took it.</summary>
    public async Task<(string Holder, long Token)?> LeaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Holder", "Token" FROM "Leases" WHERE "Name" = $1""", connection)
        {
            Parameters = { new() { Value = name } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    /// <summary>One value from the store.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The instances still running.</summary>
    public IEnumerable<KeyValuePair<string, DashboardProcess>> Alive => Dashboards.Where(d => !d.Value.HasExited);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            // The master and its worker: the whole tree.
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }
        _nginx?.Dispose();
        if (_nginxFolder is not null) Directory.Delete(_nginxFolder, recursive: true);
        foreach (var dashboard in Dashboards.Values) await dashboard.DisposeAsync();
        if (_sandbox is { HasExited: false })
        {
            _sandbox.Kill(entireProcessTree: true);
            await _sandbox.WaitForExitAsync();
        }
        _sandbox?.Dispose();
        Sandbox.Dispose();
        if (ConnectionString.Length > 0) await PostgresCluster.Shared.DropDatabaseAsync(ConnectionString);
    }
}

/// <summary>Waits for a condition, polling; fails with what was awaited.</summary>
public static class Until
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            await Task.Delay(100);
        }
    }
}
