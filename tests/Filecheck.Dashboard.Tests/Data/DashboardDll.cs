using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// The dashboard's built DLL (<c>src/Filecheck.Dashboard/bin/…</c>, built with the tests) run as an operator runs it:
/// <c>dotnet Filecheck.Dashboard.dll migrate</c>, <c>move-history</c>, or the dashboard itself, in a process of its own,
/// with only the settings given (the environment's own Filecheck, sign-in and store settings removed).
/// </summary>
internal static class DashboardDll
{
    /// <summary>The dashboard's output beside this project's (same configuration and framework).</summary>
    public static string Path
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var root = DashboardPaths.FindRepositoryRoot() ?? throw new InvalidOperationException("No repository root above the tests.");
            var dll = System.IO.Path.Combine(root, "src", "Filecheck.Dashboard", "bin", here.Parent!.Name, here.Name, "Filecheck.Dashboard.dll");
            Assert.True(File.Exists(dll), "Build src/Filecheck.Dashboard first: " + dll);
            return dll;
        }
    }

    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> settings, string environment = "Production")
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = System.IO.Path.GetTempPath(),
        };
        info.ArgumentList.Add(Path);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => new[] { "Filecheck__", "AzureAd__", "Auth__", "History__", "ConnectionStrings__", "DataProtection__", "ASPNETCORE_" }
                     .Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var (key, value) in settings) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    /// <summary>Runs to the end (at most <paramref name="limit"/>, then killed and failed) and returns what it printed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> settings,
        string environment = "Production", TimeSpan? limit = null)
    {
        using var process = Start(args, settings, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"dotnet Filecheck.Dashboard.dll {string.Join(' ', args)} was still running after {limit ?? TimeSpan.FromSeconds(120)}:\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Production settings complete but for the store: a sign-in configuration, an API address, an unencrypted key ring allowed.</summary>
    public static Dictionary<string, string> ProductionSettings() => new()
    {
        ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd__TenantId"] = "00000000-0000-0000-0000-000000000001",
        ["AzureAd__ClientId"] = "00000000-0000-0000-0000-000000000002",
        ["AzureAd__ClientSecret"] = "not-a-real-secret",
        ["Filecheck__BaseUrl"] = "http://127.0.0.1:9/",
        ["Filecheck__ApiKey"] = "sk_test_store_commands_0123456789",
        ["DataProtection__AllowUnencryptedKeys"] = "true",
        ["History__Sync__Enabled"] = "false",
    };

    public static Dictionary<string, string> OnPostgres(string connectionString, Dictionary<string, string>? settings = null)
    {
        var all = settings ?? ProductionSettings();
        all["History__Provider"] = "Postgres";
        all["ConnectionStrings__History"] = connectionString;
        return all;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the dashboard and waits until <c>/healthz</c> answers 200 (true) or the process ends (false); kills it after.</summary>
    public static async Task<(bool Served, int? ExitCode, string Output)> ServeAsync(IReadOnlyDictionary<string, string> settings, TimeSpan limit)
    {
        var port = FreePort();
        var output = new StringBuilder();
        using var process = Start(["--urls", $"http://127.0.0.1:{port}"], settings);
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var served = false;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (!served && !process.HasExited && clock.Elapsed < limit)
            {
                try
                {
                    served = (await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException) { } // not listening yet
                catch (TaskCanceledException) { } // listening, still starting
                if (!served) await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(200)).Token).ContinueWith(_ => { });
            }
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        lock (output) return (served, served ? null : process.ExitCode, output.ToString());
    }
}
