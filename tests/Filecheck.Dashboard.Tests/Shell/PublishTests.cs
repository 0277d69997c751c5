using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary><c>dotnet publish</c> once, into a temporary folder outside the repository, for every test of the class.</summary>
public sealed class PublishedDashboard : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    public DirectoryInfo Output { get; } = Directory.CreateTempSubdirectory("fc-publish-");

    public string PublishLog { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var root = DashboardPaths.FindRepositoryRoot() ?? throw new InvalidOperationException("No repository root above the tests.");
        var (exitCode, log) = await PublishTests.RunAsync("dotnet",
            ["publish", Path.Combine(root, "src", "Filecheck.Dashboard"), "-c", "Release", "-o", Output.FullName, "-nologo", "-v", "q"],
            root, PublishTimeout);
        PublishLog = log;
        Assert.True(exitCode == 0, "dotnet publish failed:\n" + log);
    }

    public Task DisposeAsync()
    {
        try { Output.Delete(recursive: true); } catch (IOException) { } // a file still held open only leaves a temp folder behind
        return Task.CompletedTask;
    }
}

/// <summary>
/// The dashboard as it ships: the published DLL started on its own, with nothing of the source tree to fall back on.
/// </summary>
public sealed class PublishTests(PublishedDashboard published) : IClassFixture<PublishedDashboard>
{
    private readonly DirectoryInfo _output = published.Output;

    [Fact]
    public async Task Published_InProductionWithNothingConfigured_RefusesInOneSentenceNamingTheKeys_NoStackTrace()
    {
        var (exitCode, stdout, stderr) = await StartRefusedAsync("data-refused", new Dictionary<string, string>());

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Filecheck Dashboard did not start:", stderr.Trim());
        Assert.Contains("AzureAd:ClientId", stderr);
        // Every refusal at once, so the operator fixes them in one go.
        Assert.Contains("Filecheck:BaseUrl", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task Published_InProductionWithSignInButNoApiAddress_RefusesInOneSentence_NotTheHostsFailedToStartTrace()
    {
        // Sign-in complete, so nothing fails while the app is built: the refusal comes from the start-up validation,
        // which the host would otherwise log as "Hosting failed to start" with a stack trace.
        var (exitCode, stdout, stderr) = await StartRefusedAsync("data-refused-api", new Dictionary<string, string>
        {
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = "00000000-0000-0000-0000-000000000001",
            ["AzureAd__ClientId"] = "00000000-0000-0000-0000-000000000002",
            ["AzureAd__ClientSecret"] = "not-a-real-secret",
            ["DataProtection__AllowUnencryptedKeys"] = "true",
        });

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Filecheck Dashboard did not start: Filecheck:BaseUrl is not set", stderr.Trim());
        Assert.DoesNotContain("AzureAd:", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("Hosting failed to start", stdout + stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    /// <summary>Starts the published DLL in Production with only <paramref name="settings"/>, and waits for it to end.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> StartRefusedAsync(string dataFolder, Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _output.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(_output.FullName, "Filecheck.Dashboard.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{FreePort()}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AzureAd__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Filecheck__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["History__DatabasePath"] = Path.Combine(_output.FullName, dataFolder, "history.db");
        foreach (var (key, value) in settings) start.Environment[key] = value;

        using var app = Process.Start(start)!;
        var stdout = app.StandardOutput.ReadToEndAsync();
        var stderr = app.StandardError.ReadToEndAsync();
        var refused = true;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            refused = false;
        }
        finally
        {
            // A start that was not refused keeps running: end it, and the test fails on what it printed.
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
        Assert.True(refused, "The dashboard was still running after 60 s instead of refusing to start:\n" + await stdout + await stderr);
        return (app.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Publish_Dashboard_HoldsSettingsAndStaticFilesAndStartsOnItsOwn()
    {
        Assert.True(File.Exists(Path.Combine(_output.FullName, "appsettings.json")), "appsettings.json is missing from the publish output.\n" + published.PublishLog);
        Assert.True(File.Exists(Path.Combine(_output.FullName, "wwwroot", "app.css")), "wwwroot/app.css is missing from the publish output.");
        // Far from any solution file, so the app cannot find the repository and must run from what was published.
        Assert.Null(FindUpward(_output.FullName, DashboardPaths.SolutionFile));

        var port = FreePort();
        var data = Directory.CreateDirectory(Path.Combine(_output.FullName, "data-test"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _output.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(_output.FullName, "Filecheck.Dashboard.dll"), "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment.Remove("ASPNETCORE_CONTENTROOT");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["Sandbox__JobCount"] = "40";
        start.Environment["History__Sync__Enabled"] = "false";
        start.Environment["History__DatabasePath"] = Path.Combine(data.FullName, "history.db");

        var output = new StringBuilder();
        using var app = Process.Start(start)!;
        app.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        app.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            var health = await WaitForOkAsync(http, "/healthz", app, TimeSpan.FromSeconds(90));
            Assert.True(health, "The published dashboard did not answer /healthz with 200:\n" + Snapshot(output));

            var css = await http.GetAsync("/app.css");
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_output.FullName, "wwwroot", "app.css")), await css.Content.ReadAsByteArrayAsync());

            var signIn = await http.GetAsync("/account/signin");
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    /// <summary>Polls until the path answers 200, the process dies, or the time is up.</summary>
    private static async Task<bool> WaitForOkAsync(HttpClient http, string path, Process app, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit && !app.HasExited)
        {
            try
            {
                if ((await http.GetAsync(path)).StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { } // listening, still starting
            await Task.Delay(200);
        }
        return false;
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindUpward(string start, string file)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, file))) return dir.FullName;
        return null;
    }

    internal static async Task<(int ExitCode, string Log)> RunAsync(string file, string[] args, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"Timed out after {timeout}.\n" + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
