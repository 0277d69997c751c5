using System.Globalization;
using System.Text.RegularExpressions;

namespace Filecheck.Figures;

/// <summary>
/// The trends page's queries on a SQLite store of <paramref name="jobs"/> jobs beside the same aggregate by the sqlite3
/// CLI over the raw steps: Filecheck.Bench's measurement (TrendsBench), its store filled once and kept in the data
/// folder. PostgreSQL: the hook for the pgread branch's measurement (not in this build).
/// </summary>
public sealed partial class TrendsMeasurement(int jobs) : IMeasurement
{
    public string Name => "trends";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context)
    {
        var rows = new List<(string What, string Figure, string Target)>();
        await TrendsBench.RunAsync(jobs, Path.Combine(context.DataFolder, $"trends-{jobs}.db"), rows);
        var figures = new List<Figure>();
        foreach (var (what, text, _) in rows)
        {
            var query = Query().Match(text);
            if (!what.StartsWith("trends page query", StringComparison.Ordinal) || !query.Success) continue;
            var view = what[(what.IndexOf(", ", StringComparison.Ordinal) + 2)..];
            figures.Add(new Figure("trends", $"{view}, {jobs:#,0} jobs, SQLite, p50", Number(query.Groups["p50"].Value), "ms")
            {
                Floor = Number(query.Groups["raw"].Value), FloorName = "sqlite3 CLI over the raw steps", Target = 0.1, TargetIsRatio = true,
                Note = $"p95 {query.Groups["p95"].Value} ms; target also ≤ 50 ms p50",
            });
        }
        return figures;
    }

    private static double Number(string s) => double.Parse(s.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"p50 (?<p50>[\d.,]+) ms, p95 (?<p95>[\d.,]+) ms; sqlite3 over raw steps \(same range and filter\): (?<raw>[\d.,]+) ms")]
    private static partial Regex Query();
}
