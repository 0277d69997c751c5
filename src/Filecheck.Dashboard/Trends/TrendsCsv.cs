using System.Globalization;
using CsvHelper;
using Filecheck.Dashboard.Trends.Rollups;

namespace Filecheck.Dashboard.Trends;

/// <summary>
/// The rows behind each chart and table of a <see cref="TrendsReport"/>, exactly as shown, with snake_case headers.
/// Dates are ISO, rates fractions, durations whole milliseconds.
/// </summary>
public static class TrendsCsv
{
    public const string Outcomes = "outcomes";
    public const string Durations = "durations";
    public const string Waits = "waits";
    public const string Reasons = "reasons";
    public const string Breakdowns = "breakdowns";
    public static IReadOnlyList<string> All { get; } = [Outcomes, Durations, Waits, Reasons, Breakdowns];

    /// <summary>e.g. <c>trends-outcomes-2026-06-04-to-2026-11-30-Europe-Berlin.csv</c>: the range and the zone it counts in.</summary>
    public static string FileName(string name, TrendsReport report) =>
        $"trends-{name}-{Date(report.From)}-to-{Date(report.To)}-{report.ZoneId.Replace('/', '-')}.csv";

    public static string Write(string name, TrendsReport report)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, null, leaveOpen: true))
        {
            switch (name)
            {
                case Outcomes:
                    Header(csv, "period_start", report.View.Unit == TrendUnit.Files ? "files" : "jobs", "pass", "warn", "fail", "fixed", "other", "pass_rate");
                    foreach (var p in report.Outcomes)
                    {
                        var c = p.Counts;
                        Row(csv, Date(p.Start), Int(c.Total), Int(c.Pass), Int(c.Warn), Int(c.Fail), Int(c.Fixed), Int(c.Other), Rate(c.PassRate));
                    }
                    break;
                case Durations:
                    Header(csv, "period_start", "step_type", "count", "p50_ms", "p95_ms");
                    foreach (var p in report.Durations) Row(csv, Date(p.Start), p.StepType, Int(p.Count), Ms(p.P50Ms), Ms(p.P95Ms));
                    break;
                case Waits:
                    Header(csv, "period_start", "count", "p50_ms", "p95_ms");
                    foreach (var p in report.Waits) Row(csv, Date(p.Start), Int(p.Count), Ms(p.P50Ms), Ms(p.P95Ms));
                    break;
                case Reasons:
                    Header(csv, "reason", "count", "share");
                    foreach (var r in report.Reasons) Row(csv, r.Reason, Int(r.Count), Rate(r.Share));
                    break;
                case Breakdowns:
                    Header(csv, "dimension", "value", "jobs", "pass_rate", "previous_pass_rate", "change", "p95_ms");
                    foreach (var b in report.Breakdowns) Row(csv, b.Dimension, b.Name, Int(b.Jobs), Rate(b.PassRate), Rate(b.PreviousPassRate), Rate(b.Change), Ms(b.P95Ms));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown trends CSV");
            }
        }
        return text.ToString();
    }

    private static void Header(CsvWriter csv, params string[] names) => Row(csv, names);

    private static void Row(CsvWriter csv, params string[] fields)
    {
        foreach (var f in fields) csv.WriteField(f);
        csv.EndRecord();
    }

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
    public static string Rate(double? r) => r is { } v ? Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture) : "";
    private static string Ms(double? ms) => ms is { } v ? Math.Round(v).ToString("0", CultureInfo.InvariantCulture) : "";
}
