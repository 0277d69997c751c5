using System.Text.Json;
using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Tests.Trends;

/// <summary>The rollup tables read back as plain values, comparable with a recomputation.</summary>
public sealed record RollupSnapshot(
    SortedDictionary<string, string> Outcomes,
    SortedDictionary<string, string> Steps,
    SortedDictionary<string, int> Reasons)
{
    public static async Task<RollupSnapshot> ReadAsync(IDbContextFactory<DashboardDbContext> factory)
    {
        await using var db = factory.CreateDbContext();
        var outcomes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in await db.Set<OutcomeRollup>().AsNoTracking().ToListAsync())
        {
            outcomes[Key(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType)] =
                $"{r.JobPass},{r.JobFixed},{r.JobWarn},{r.JobFail},{r.JobOther}|{r.FilePass},{r.FileFixed},{r.FileWarn},{r.FileFail},{r.FileOther}";
        }
        var steps = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in await db.Set<StepRollup>().AsNoTracking().ToListAsync())
        {
            steps[Key(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind)] = StepText(r.Count, r.SumMs, DurationBuckets.FromBytes(r.Buckets));
        }
        foreach (var r in await db.Set<OutcomeMarginal>().AsNoTracking().ToListAsync())
        {
            outcomes[MarginalKey(r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType)] =
                $"{r.JobPass},{r.JobFixed},{r.JobWarn},{r.JobFail},{r.JobOther}|{r.FilePass},{r.FileFixed},{r.FileWarn},{r.FileFail},{r.FileOther}";
        }
        foreach (var r in await db.Set<StepMarginal>().AsNoTracking().ToListAsync())
        {
            steps[MarginalKey(r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind)] = StepText(r.Count, r.SumMs, DurationBuckets.FromBytes(r.Buckets));
        }
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in await db.Set<ReasonRollup>().AsNoTracking().ToListAsync())
        {
            reasons[Key(r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Severity, r.Reason)] = r.Count;
        }
        foreach (var r in await db.Set<ReasonMarginal>().AsNoTracking().ToListAsync())
        {
            reasons[MarginalKey(r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Severity, r.Reason)] = r.Count;
        }
        return new RollupSnapshot(outcomes, steps, reasons);
    }

    public static string Key(DateOnly day, params string[] parts) => day.ToString("yyyy-MM-dd") + "/" + string.Join("/", parts);

    public static string MarginalKey(int combo, string grain, DateOnly start, params string[] parts) =>
        $"marginal {combo} {grain} " + Key(start, parts);

    public static string StepText(long count, long sum, DurationBuckets buckets) =>
        $"n={count} sum={sum} buckets={string.Join(";", buckets.Counts.Select(c => $"{c.Key}:{c.Value}"))}";

    /// <summary>
    /// The marginal rows a daily row counts in, worked out here from the definition (not the writer's code): every
    /// combination of <paramref name="minDims"/> to <paramref name="maxDims"/> of channel, workflow, rule and file type
    /// (the rest <c>*</c>), per day, ISO week and month; <paramref name="type"/> is null (outcomes), a step type, or <c>*</c> (all types).
    /// </summary>
    private static IEnumerable<string> Marginals(DateOnly day, string channel, string workflow, string rule, string fileType, int minDims, int maxDims,
        string? type, params string[] rest)
    {
        var week = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        var month = new DateOnly(day.Year, day.Month, 1);
        for (var combo = 0; combo < 16; combo++)
        {
            var kept = new[] { 1, 2, 4, 8 }.Count(b => (combo & b) != 0);
            if (kept < minDims || kept > maxDims) continue;
            // A row per file type feeds the combinations keeping it; the job's all-types row ("*") the others.
            if ((combo & 8) != 0 == (fileType == "*")) continue;
            string[] dims = [(combo & 1) != 0 ? channel : "*", (combo & 2) != 0 ? workflow : "*", (combo & 4) != 0 ? rule : "*", (combo & 8) != 0 ? fileType : "*"];
            var c = type is null or "*" ? combo : combo | 16;
            foreach (var (grain, start) in new[] { ("d", day), ("w", week), ("m", month) })
            {
                yield return MarginalKey(c, grain, start, [.. dims, .. type is null ? [] : new[] { type }, .. rest]);
            }
        }
    }

    /// <summary>The same tables computed from the jobs themselves, straight from their JSON model, without the store.</summary>
    public static RollupSnapshot Recompute(IEnumerable<(Job Row, Job? Details)> jobs, TimeZoneInfo zone)
    {
        var outcomes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var steps = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (row, details) in jobs)
        {
            if (!row.IsTerminal || row.CreatedAt is not { } created) continue;
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(created, zone).DateTime);
            string K(string ft) => Key(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", ft);
            void Count(string key, int slot)
            {
                // The daily key ends with the file type; the marginals it counts in are worked out from the same values.
                var ft = key[(key.LastIndexOf('/') + 1)..];
                foreach (var k in Marginals(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", ft, 0, 2, null).Prepend(key))
                {
                    if (!outcomes.TryGetValue(k, out var c)) outcomes[k] = c = new int[10];
                    c[slot]++;
                }
            }
            void Step(string ft, string type, string kind, long value)
            {
                Values(steps, Key(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", ft, type, kind)).Add(value);
                // Durations: per type with at most one dimension, all types with one or two; waits: all types, at most one.
                foreach (var f in new[] { ft, "*" })
                {
                    var keys = kind == "duration"
                        ? Marginals(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", f, 0, 1, type, kind)
                            .Concat(Marginals(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", f, 1, 2, "*", kind))
                        : Marginals(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", f, 0, 1, "*", kind);
                    foreach (var k in keys) Values(steps, k).Add(value);
                }
            }
            var tasks = details?.Tasks ?? [];
            var jobSlot = Slot(row.Outcome);
            Count(K("*"), jobSlot);
            foreach (var ft in tasks.Select(t => t.FileType ?? "").Distinct()) Count(K(ft), jobSlot);
            foreach (var task in tasks)
            {
                var ft = task.FileType ?? "";
                Count(K("*"), 5 + Slot(task.Outcome));
                Count(K(ft), 5 + Slot(task.Outcome));
                Step? previous = null;
                foreach (var step in task.Steps ?? [])
                {
                    var type = step.Type ?? "";
                    var ms = step.Duration ?? (step.Started is { } s && step.Ended is { } e ? e.ToUnixTimeMilliseconds() - s.ToUnixTimeMilliseconds() : null);
                    if (ms is { } v && v >= 0) Step(ft, type, "duration", (long)Math.Round(v));
                    if (previous?.Ended is { } end && step.Started is { } start && start.ToUnixTimeMilliseconds() >= end.ToUnixTimeMilliseconds())
                        Step(ft, type, "wait", start.ToUnixTimeMilliseconds() - end.ToUnixTimeMilliseconds());
                    previous = step;
                    var severity = step.Status == "error" || step.Outcome == "fail" ? "fail" : step.Outcome == "warn" ? "warn" : null;
                    if (severity is null) continue;
                    var found = ReasonText.Normalize(step.Reason) is { } r ? [r] : Checks(step);
                    if (found.Count == 0) found = [JobContribution.NoReasonGiven];
                    foreach (var reason in found)
                    {
                        var key = Key(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", ft, type, severity, reason);
                        var keys = new[] { ft, "*" }.SelectMany(f => Marginals(day, row.Channel ?? "", row.WorkflowId ?? "", row.RuleId ?? "", f, 0, 1, type, severity, reason));
                        foreach (var k in keys.Prepend(key)) reasons[k] = reasons.GetValueOrDefault(k) + 1;
                    }
                }
            }
        }
        var outcomeText = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, c) in outcomes) outcomeText[k] = $"{c[0]},{c[1]},{c[2]},{c[3]},{c[4]}|{c[5]},{c[6]},{c[7]},{c[8]},{c[9]}";
        var stepText = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, values) in steps)
        {
            var buckets = new DurationBuckets();
            foreach (var v in values) buckets.Add(v);
            stepText[k] = StepText(values.Count, values.Sum(), buckets);
        }
        return new RollupSnapshot(outcomeText, stepText, reasons);
    }

    private static List<long> Values(Dictionary<string, List<long>> all, string key)
    {
        if (!all.TryGetValue(key, out var list)) all[key] = list = [];
        return list;
    }

    private static int Slot(string? outcome) => outcome switch { "pass" => 0, "fixed" => 1, "warn" => 2, "fail" => 3, _ => 4 };

    private static List<string> Checks(Step step) =>
        (step.Outputs ?? []).Where(o => o.Kind == "report" && o.Body is { ValueKind: JsonValueKind.Object })
            .SelectMany(o => o.Body!.Value.TryGetProperty("findings", out var f) && f.ValueKind == JsonValueKind.Array ? f.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(f => f.TryGetProperty("check", out var c) ? c.GetString() : null)
            .OfType<string>().Distinct().ToList();
}
