using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Filecheck.Figures;

public sealed record RunInfo(string Machine, DateTimeOffset Date, string Commit, TimeSpan Took, bool Quick, IReadOnlyList<string> Errors);

/// <summary>results.json (every figure with its floor, ratio, target and whether it is met) and report.md drawn from it.</summary>
public static class Results
{
    public static void Write(string jsonPath, string markdownPath, RunInfo run, IReadOnlyList<Figure> figures)
    {
        var json = new JsonObject
        {
            ["machine"] = run.Machine,
            ["date"] = run.Date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["commit"] = run.Commit,
            ["minutes"] = Math.Round(run.Took.TotalMinutes, 1),
            ["quick"] = run.Quick,
            ["errors"] = new JsonArray([.. run.Errors.Select(e => (JsonNode)e)]),
            ["figures"] = new JsonArray([.. figures.Select(f => (JsonNode)new JsonObject
            {
                ["group"] = f.Group,
                ["name"] = f.Name,
                ["value"] = Round(f.Value),
                ["unit"] = f.Unit,
                ["floor"] = f.Floor is { } floor ? Round(floor) : null,
                ["floorName"] = f.FloorName,
                ["ratio"] = f.Ratio is { } ratio ? Math.Round(ratio, 3) : null,
                ["target"] = f.Target is null ? null : f.TargetText,
                ["met"] = f.Met,
                ["note"] = f.Note,
            })]),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
        File.WriteAllText(jsonPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        File.WriteAllText(markdownPath, Markdown(run, figures));
    }

    private static double Round(double v) => Math.Round(v, Math.Abs(v) >= 100 ? 0 : 3);

    public static string Markdown(RunInfo run, IReadOnlyList<Figure> figures)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Figures\n\n_Written by `bench/run` from `bench/results.json`: {run.Date:yyyy-MM-dd HH:mm} UTC, commit {run.Commit}, {run.Machine}; the run took {run.Took.TotalMinutes:0.0} min{(run.Quick ? " (--quick: fewer samples)" : "")}._\n\n");
        md.Append("Each figure is measured beside its floor in the same run: on a shared, busy machine the absolute times drift, the ratios much less. What each one measures: [README.md](README.md).\n\n");
        foreach (var group in figures.GroupBy(f => f.Group))
        {
            md.Append(CultureInfo.InvariantCulture, $"## {group.Key}\n\n| figure | value | floor | ratio | target | met | note |\n|---|---:|---|---:|---|---|---|\n");
            foreach (var f in group)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {f.Name} | {Figure.Format(f.Value)} {f.Unit} | {(f.Floor is { } fl ? $"{Figure.Format(fl)} {f.Unit} ({f.FloorName})" : "")} | {(f.Ratio is { } r ? Figure.Format(r) + "×" : "")} | {f.TargetText} | {Met(f.Met)} | {f.Note} |\n");
            }
            md.Append('\n');
        }
        if (run.Errors.Count > 0)
        {
            md.Append("## Errors\n\n");
            foreach (var e in run.Errors) md.Append(CultureInfo.InvariantCulture, $"- {e}\n");
        }
        return md.ToString();
    }

    private static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "" };

    /// <summary>One plain-text table for the terminal.</summary>
    public static string Table(IReadOnlyList<Figure> figures)
    {
        var rows = figures.Select(f => new[]
        {
            f.Group, f.Name, $"{Figure.Format(f.Value)} {f.Unit}", f.Floor is { } fl ? $"{Figure.Format(fl)} {f.Unit}" : "",
            f.Ratio is { } r ? Figure.Format(r) + "x" : "", f.TargetText, f.Met switch { true => "yes", false => "NO", null => "" },
        }).Prepend(["group", "figure", "value", "floor", "ratio", "target", "met"]).ToList();
        var widths = Enumerable.Range(0, 7).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c is 2 or 3 or 4 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
            if (i == 0) text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return text.ToString();
    }
}

public static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {Environment.OSVersion.Platform}, .NET {Environment.Version}, load {load} at the end";
    }
}
