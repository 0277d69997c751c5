using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Filecheck.EndToEnd.Tests.Support;

/// <summary>
/// The dashboard as its own process (the built Filecheck.Dashboard.dll), configured only through environment variables.
/// A process of its own because .NET on Linux reads SSL_CERT_FILE natively when it first builds a certificate chain:
/// the variable must be in the process's real environment from the start, which an in-process host cannot give.
/// </summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private DashboardProcess(Process process, StringBuilder output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="startTimeout">How long it may take to listen (60 s unless a test starts several at once).</param>
    public static async Task<DashboardProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? startTimeout = null)
    {
        var root = DashboardHost.RepositoryRoot();
        // The copy built beside these tests, with its own deps.json, runtimeconfig and static web assets manifest.
        var dll = Path.Combine(AppContext.BaseDirectory, "Filecheck.Dashboard.dll");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_") || k.StartsWith("AzureAd") || k.StartsWith("Auth__")).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        // What a failing test needs to read: challenges, code redemption, token validation.
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore.Authentication"] = "Information";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            var match = Regex.Match(line, @"Now listening on: (https?://\S+)");
            if (match.Success) listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The dashboard exited:\n" + output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var dashboard = new DashboardProcess(process, output, await WaitAsync(listening.Task, output, startTimeout ?? TimeSpan.FromSeconds(60)));
        return dashboard;
    }

    private static async Task<Uri> WaitAsync(Task<Uri> listening, StringBuilder output, TimeSpan timeout)
    {
        try
        {
            return await listening.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The dashboard did not start listening within {timeout.TotalSeconds:0} s:\n" + output);
        }
    }

    /// <summary>Sends SIGTERM, as a service manager stops it (a graceful stop); <see cref="WaitForExitAsync"/> waits for its end.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed ({kill.ExitCode}).");
    }

    /// <summary>The process's exit code once it has ended.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        await _process.WaitForExitAsync().WaitAsync(within);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown, no lease released, nothing flushed (what a crash or an OOM kill leaves).</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
