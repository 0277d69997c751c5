using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Filecheck.Figures;

/// <summary>
/// The protocol-level clients of the capacity figure, in a process of their own (<c>--circuit-clients PAGE_URL</c>):
/// their memory and threads stay out of the server's heap that the bench reads. Driven by lines on standard input:
/// <c>open N SECONDS</c> opens circuits until N are open (or the seconds have passed) and answers <c>open OPEN FAILED SECONDS [first error]</c>;
/// <c>status</c> answers <c>status ALIVE FAILED BATCHES</c>; <c>calls</c> the awaited JS calls answered; <c>quit</c> closes them all.
/// The signed-in cookie comes in FIGURES_COOKIE (never on the command line).
/// </summary>
public static class CircuitClients
{
    public const string Flag = "--circuit-clients";
    public const string CookieVariable = "FIGURES_COOKIE";
    /// <summary>Circuits opened at once: a few browsers opening tabs, without flooding the 2 cores the server shares.</summary>
    private const int Parallel = 8;
    /// <summary>
    /// Circuits started from one prerendered page (its protected markers are valid for minutes, as a tab kept open
    /// before its circuit starts): the page's GET is a prerender as costly as the circuit's own first render, and
    /// what is measured is how many open pages are held, not how fast they are opened.
    /// </summary>
    private const int CircuitsPerPrerender = 25;

    public static async Task<int> RunAsync(Uri page, string drawnText)
    {
        ThreadPool.SetMinThreads(64, 64);
        var cookie = Environment.GetEnvironmentVariable(CookieVariable);
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = Parallel, AutomaticDecompression = DecompressionMethods.None });
        if (cookie is not null) http.DefaultRequestHeaders.Add("Cookie", cookie);
        var open = new List<ProtocolCircuit>();
        var failed = 0;
        string? firstError = null;
        PrerenderedPage? prerender = null;
        var prerenderUses = 0;
        while (Console.ReadLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts)
            {
                case ["open", var countText, var secondsText]:
                {
                    var target = int.Parse(countText, CultureInfo.InvariantCulture);
                    var within = TimeSpan.FromSeconds(double.Parse(secondsText, CultureInfo.InvariantCulture));
                    var clock = Stopwatch.StartNew();
                    var stepFailed = 0;
                    // Bounded in time and in failures: a step that cannot open its circuits says so instead of hanging.
                    while (open.Count < target && stepFailed <= Math.Max(10, target / 20) && clock.Elapsed < within)
                    {
                        var size = Math.Min(Parallel, target - open.Count);
                        if (prerender is null || prerenderUses + size > CircuitsPerPrerender)
                        {
                            prerender = await PrerenderedPage.GetAsync(http, page, CancellationToken.None);
                            prerenderUses = 0;
                        }
                        prerenderUses += size;
                        var markers = prerender;
                        var batch = Enumerable.Range(0, size)
                            .Select(async _ =>
                            {
                                try { return await ProtocolCircuit.OpenAsync(http, page, markers, cookie, drawnText, TimeSpan.FromSeconds(60)); }
                                catch (Exception ex)
                                {
                                    Interlocked.Increment(ref stepFailed);
                                    Interlocked.CompareExchange(ref firstError, ex.Message.ReplaceLineEndings(" "), null);
                                    return null;
                                }
                            });
                        open.AddRange((await Task.WhenAll(batch)).OfType<ProtocolCircuit>());
                    }
                    failed += stepFailed;
                    Console.WriteLine($"open {open.Count(c => !c.Closed)} {failed} {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} {firstError}");
                    break;
                }
                case ["status"]:
                    Console.WriteLine($"status {open.Count(c => !c.Closed)} {failed} {open.Sum(c => c.Batches)} {open.FirstOrDefault(c => c.Error is not null)?.Error}");
                    break;
                case ["calls"]:
                    Console.WriteLine("calls " + string.Join(", ", ProtocolCircuit.JsCallsAnswered.OrderBy(c => c.Key).Select(c => $"{c.Key} ×{c.Value}")));
                    break;
                case ["quit"]:
                    await CloseAllAsync(open);
                    Console.WriteLine("quit");
                    return 0;
                default:
                    Console.WriteLine("error unknown command: " + line);
                    break;
            }
        }
        await CloseAllAsync(open);
        return 0;
    }

    private static async Task CloseAllAsync(List<ProtocolCircuit> open)
    {
        foreach (var chunk in open.Chunk(Parallel * 4)) await Task.WhenAll(chunk.Select(c => c.DisposeAsync().AsTask()));
    }
}

/// <summary>The bench's side of a <see cref="CircuitClients"/> process: starts it, sends commands, reads the answers.</summary>
public sealed class CircuitClientsProcess : IAsyncDisposable
{
    private readonly Process _process;

    private CircuitClientsProcess(Process process) => _process = process;

    public static CircuitClientsProcess Start(Uri page, string drawnText, string cookie)
    {
        var self = typeof(CircuitClients).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(self);
        start.ArgumentList.Add(CircuitClients.Flag);
        start.ArgumentList.Add(page.ToString());
        start.ArgumentList.Add(drawnText);
        start.Environment[CircuitClients.CookieVariable] = cookie;
        start.Environment["DOTNET_gcServer"] = "0";
        return new CircuitClientsProcess(Process.Start(start) ?? throw new InvalidOperationException("the circuit clients' process did not start"));
    }

    public async Task<string[]> AskAsync(string command, TimeSpan within)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(within);
        var answer = await _process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"the circuit clients' process ended (exit {(_process.HasExited ? _process.ExitCode : -1)})");
        return answer.Split(' ', 5);
    }

    /// <summary>Opens circuits until <paramref name="count"/> are open: (open, failed so far, seconds, first error).</summary>
    public async Task<(int Open, int Failed, double Seconds, string? Error)> OpenAsync(int count, TimeSpan within)
    {
        var answer = await AskAsync($"open {count} {within.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}", within + TimeSpan.FromSeconds(90));
        return (int.Parse(answer[1], CultureInfo.InvariantCulture), int.Parse(answer[2], CultureInfo.InvariantCulture),
            double.Parse(answer[3], CultureInfo.InvariantCulture), answer.Length > 4 && answer[4].Length > 0 ? answer[4] : null);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) await AskAsync("quit", TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        catch (Exception) when (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
