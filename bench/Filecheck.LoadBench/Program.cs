using System.Globalization;
using Filecheck.LoadBench;

/// <summary>
/// The long load run: 30 people in Chromium and 200 share clients for 60 s (LoadShape.Bench); the suite runs the same
/// LoadRun for 30 s with fewer (tests/Filecheck.EndToEnd.Tests/Reliability/SuiteLoadTests.cs).
/// A class of its own name: the dashboard's <c>Program</c> is the one its host starts.
/// </summary>
internal static class LoadBench
{
    public static async Task<int> Main(string[] args)
    {
        var output = "bench/load.md";
        var shape = LoadShape.Bench;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    shape = shape with { Window = TimeSpan.FromSeconds(seconds) };
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'. Options: --out FILE, --seconds N.");
                    return 2;
            }
        }

        Console.WriteLine($"Load: {shape.Users} people in Chromium and {shape.HttpClients} share clients for {shape.Window.TotalSeconds:0} s ...");
        var result = await new LoadRun(shape).RunAsync();
        var stamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, $"# Load (bench)\n\n_Written by `dotnet run -c Release --project bench/Filecheck.LoadBench`, {stamp} UTC._\n\n{result.Report.Trim()}\n");
        Console.WriteLine($"{result.Errors.Count} errors; the report is in {output}.");
        foreach (var error in result.Errors.Take(10)) Console.Error.WriteLine(error);
        return result.Errors.Count == 0 ? 0 : 1;
    }
}
