using System.Data;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Tests.Trends;
using Filecheck.Testing;
using Microsoft.EntityFrameworkCore;
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
    /// <summary>A person's checks an hour on every instance (<c>Checks:PerUserPerHour</c>): small, so that a test spends it all.</summary>
    public const int CheckQuota = 5;

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

    /// <summary>The share decision webhook's other end (<c>Sharing:Notify:WebhookUrl</c> of every instance).</summary>
    public DecisionReceiver Decisions { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        await Decisions.StartAsync();
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
        ["Checks__PerUserPerHour"] = CheckQuota.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sharing__Notify__WebhookUrl"] = new Uri(Decisions.Address, "decisions").ToString(),
        // Enough attempts that a decision held back by a refusing chat outlives a take-over.
        ["Sharing__Notify__MaxAttempts"] = "10",
    }, TimeSpan.FromSeconds(150));

    /// <summary>
    /// Starts again (on a new port) any instance a test killed, so that every test starts with three, and points nginx at
    /// the new port (a reload, as an operator would after a redeploy).
    /// </summary>
    public async Task ReviveAsync()
    {
        var dead = _dashboards.Where(d => d.Value.HasExited).ToList();
        foreach (var (name, dashboard) in dead)
        {
            await dashboard.DisposeAsync();
            _dashboards[name] = await StartDashboardAsync(name);
        }
        if (dead.Count > 0) await ReloadNginxAsync();
    }

    /// <summary>The documented site with this run's ports filled in, written where nginx.conf includes it.</summary>
    private void WriteSite()
    {
        var site = File.ReadAllText(Path.Combine(DashboardHost.RepositoryRoot(), "docs", "nginx", "filecheck-dashboard.conf"))
            .Replace("${LISTEN}", Nginx.Authority, StringComparison.Ordinal);
        string[] names = ["a", "b", "c"];
        for (var i = 0; i < names.Length; i++)
        {
            site = site.Replace($"${{INSTANCE_{i + 1}}}", _dashboards[names[i]].BaseAddress.Authority, StringComparison.Ordinal);
        }
        File.WriteAllText(Path.Combine(_nginxFolder!, "site.conf"), site);
    }

    /// <summary>SIGHUP to nginx's master: it reads the site again; done once every instance answers through it.</summary>
    private async Task ReloadNginxAsync()
    {
        WriteSite();
        using var hup = Process.Start("kill", ["-HUP", _nginx!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await hup.WaitForExitAsync();
        if (hup.ExitCode != 0) throw new InvalidOperationException($"kill -HUP {_nginx.Id} failed ({hup.ExitCode}).");
        await RoutesAsync();
    }

    /// <summary>
    /// For each instance, a client address nginx's sticky hash sends to it: all of 127.0.0.0/8 is loopback, so a client
    /// bound to 127.0.0.x is another "person's machine" to nginx. Waits until every instance answers this way (after a
    /// reload, once the new workers serve).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IPAddress>> RoutesAsync()
    {
        var routes = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        await Until.TrueAsync(async () =>
        {
            routes.Clear();
            for (var i = 1; i <= 80 && routes.Count < _dashboards.Count; i++)
            {
                var from = new IPAddress([127, 0, 0, (byte)i]);
                using var client = NginxClient(from, new CookieContainer());
                using var request = new HttpRequestMessage(HttpMethod.Get, "healthz");
                request.Headers.ConnectionClose = true;
                using var response = await client.SendAsync(request);
                // An answer from an address of before the reload, or after a failed first try, is not a route yet.
                if (!response.IsSuccessStatusCode || InstanceOf(response) is not { } name) return false;
                routes.TryAdd(name, from);
            }
            return routes.Count == _dashboards.Count;
        }, TimeSpan.FromSeconds(30), "nginx to route to every instance");
        return routes;
    }

    /// <summary>A client of nginx from <paramref name="from"/> (a loopback address), following no redirects.</summary>
    public HttpClient NginxClient(IPAddress from, CookieContainer cookies) => new(new SocketsHttpHandler
    {
        CookieContainer = cookies,
        AllowAutoRedirect = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = Nginx };

    /// <summary>The instance that answered through nginx (its <c>X-Upstream</c>, added by the test's nginx.conf); null after a retry.</summary>
    public string? InstanceOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Upstream", out var values) ? InstanceAt(string.Join(",", values)) : null;

    /// <summary>The instance at an upstream address as nginx names it (<c>127.0.0.1:port</c>); null for any other or several.</summary>
    public string? InstanceAt(string? upstream) =>
        _dashboards.FirstOrDefault(d => d.Value.BaseAddress.Authority == upstream?.Trim()).Key;

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
        WriteSite();
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 512; }
            http {
                access_log off;
                # Which instance answered, for the tests only (the documented site sets no headers, so it inherits this).
                add_header X-Upstream $upstream_addr always;
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

    /// <summary>
    /// The rollup tables as stored, and the same recomputed from the stored job rows (their JSON, the details where the
    /// store has them), both read in one repeatable-read transaction so that a sync writing meanwhile cannot skew them.
    /// </summary>
    public async Task<(RollupSnapshot Stored, RollupSnapshot Recomputed, int Jobs)> RollupsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var contexts = new OneTransactionContexts(connection, transaction);
        List<(Job Row, Job? Details)> jobs;
        await using (var db = contexts.CreateDbContext())
        {
            var rows = await db.Jobs.AsNoTracking().ToListAsync();
            jobs = rows.Select(r => JobBody.Deserialize(r.Body) is { } job
                ? (job, r.HasDetails ? job : null)
                : throw new InvalidOperationException($"Job {r.Id}'s stored JSON does not read back.")).ToList();
        }
        var stored = await RollupSnapshot.ReadAsync(contexts);
        return (stored, RollupSnapshot.Recompute(jobs, TimeZoneInfo.Utc), jobs.Count);
    }

    /// <summary>Contexts on one open connection and its transaction: every read sees the same snapshot.</summary>
    private sealed class OneTransactionContexts(NpgsqlConnection connection, NpgsqlTransaction transaction) : IDbContextFactory<DashboardDbContext>
    {
        private readonly DbContextOptions<PostgresDashboardDbContext> _options =
            new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(connection).Options;

        public DashboardDbContext CreateDbContext()
        {
            var db = new PostgresDashboardDbContext(_options);
            db.Database.UseTransaction(transaction);
            return db;
        }
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
        await Decisions.DisposeAsync();
    }
}

/// <summary>A chat's incoming webhook on loopback: keeps each decision posted; answers 503 while <see cref="Refusing"/>.</summary>
public sealed class DecisionReceiver : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<JsonNode> _received = new();
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private int _refused;

    public Uri Address { get; private set; } = default!;
    public volatile bool Refusing;

    /// <summary>Posts answered 503 so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public IReadOnlyList<JsonNode> Received => [.. _received];

    public async Task StartAsync()
    {
        _app = LoopbackApp.Create();
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(_app, "/decisions", async (Microsoft.AspNetCore.Http.HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (Refusing)
            {
                Interlocked.Increment(ref _refused);
                context.Response.StatusCode = 503;
                return;
            }
            if (body is not null) _received.Enqueue(body);
        });
        Address = await _app.ListenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
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
