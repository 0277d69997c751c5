using System.Text.Json;
using System.Text.Json.Serialization;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Trends.Rollups;

public sealed record FilePart(string FileType, string Outcome);

/// <summary>A step's duration, or the wait before it (<see cref="StepRollup.Kind"/>), in whole milliseconds.</summary>
public sealed record StepPart(string FileType, string StepType, string Kind, long Ms);

public sealed record ReasonPart(string FileType, string StepType, string Severity, string Reason);

/// <summary>
/// What one job adds to the rollups: nothing unless it is finished and has a creation time; then its outcome under its
/// day and dimensions, and, from its details (kept after retention prunes the steps), its files, steps, waits and reasons.
/// </summary>
public sealed record JobContribution
{
    public static readonly JobContribution None = new();

    public bool Counted { get; init; }
    public DateOnly Day { get; init; }
    public string Channel { get; init; } = "";
    public string WorkflowId { get; init; } = "";
    public string RuleId { get; init; } = "";
    public string Outcome { get; init; } = OutcomeGroup.Other;
    public IReadOnlyList<FilePart> Files { get; init; } = [];
    public IReadOnlyList<StepPart> Steps { get; init; } = [];
    public IReadOnlyList<ReasonPart> Reasons { get; init; } = [];

    public const string NoReasonGiven = "No reason given";

    /// <summary>The job row's fields <see cref="For"/> reads: a write that changes none of them (nor the details) changes nothing counted.</summary>
    public static readonly string[] RowFields =
    [
        nameof(JobRecord.IsTerminal), nameof(JobRecord.CreatedAt), nameof(JobRecord.Channel), nameof(JobRecord.WorkflowId),
        nameof(JobRecord.RuleId), nameof(JobRecord.Outcome),
    ];

    /// <summary>The job part from its row; the details are kept from <paramref name="details"/>.</summary>
    public static JobContribution For(JobRecord row, JobContribution details, TimeZoneInfo zone)
    {
        if (!row.IsTerminal || row.CreatedAt is not { } created) return None with { Files = details.Files, Steps = details.Steps, Reasons = details.Reasons };
        return details with
        {
            Counted = true,
            Day = DayOf(created, zone),
            Channel = row.Channel ?? "",
            WorkflowId = row.WorkflowId ?? "",
            RuleId = row.RuleId ?? "",
            Outcome = OutcomeGroup.Of(row.Outcome),
        };
    }

    public static DateOnly DayOf(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>
    /// The details part from the stored tasks and steps. A failing or warning step without a reason counts its preflight
    /// findings' check names (read from the body only then), so a failing step is never missing from the reasons.
    /// </summary>
    public static JobContribution Details(IEnumerable<TaskRecord> tasks, IEnumerable<StepRecord> steps, Func<Job?> body)
    {
        var files = new List<FilePart>();
        var stepParts = new List<StepPart>();
        var reasons = new List<ReasonPart>();
        var byTask = steps.GroupBy(s => s.TaskId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Position).ToList());
        Job? job = null;
        var bodyRead = false;
        foreach (var task in tasks.OrderBy(t => t.Position))
        {
            var fileType = task.FileType ?? "";
            files.Add(new FilePart(fileType, OutcomeGroup.Of(task.Outcome)));
            StepRecord? previous = null;
            foreach (var step in byTask.GetValueOrDefault(task.Id) ?? [])
            {
                var type = step.Type ?? "";
                if (DurationOf(step) is { } ms) stepParts.Add(new StepPart(fileType, type, StepRollup.Duration, ms));
                if (previous?.Ended is { } end && step.Started is { } start && Millis(start) >= Millis(end))
                {
                    stepParts.Add(new StepPart(fileType, type, StepRollup.Wait, Millis(start) - Millis(end)));
                }
                previous = step;
                var severity = step.Status == JobStatus.Error || step.Outcome == Api.Models.Outcome.Fail ? OutcomeGroup.Fail
                    : step.Outcome == Api.Models.Outcome.Warn ? OutcomeGroup.Warn : null;
                if (severity is null) continue;
                var normalized = ReasonText.Normalize(step.Reason);
                if (normalized is { } reason)
                {
                    reasons.Add(new ReasonPart(fileType, type, severity, reason));
                    continue;
                }
                if (!bodyRead)
                {
                    job = body();
                    bodyRead = true;
                }
                var checks = FindingChecks(job, task.Id, step.Id);
                if (checks.Count == 0) checks = [NoReasonGiven];
                reasons.AddRange(checks.Select(c => new ReasonPart(fileType, type, severity, c)));
            }
        }
        return None with { Files = files, Steps = stepParts, Reasons = reasons };
    }

    public static long? DurationOf(StepRecord step)
    {
        var ms = step.DurationMs ?? (step.Started is { } s && step.Ended is { } e ? (double)(Millis(e) - Millis(s)) : null);
        return ms is { } v && Api.Models.Step.IsUsableDuration(v) ? (long)Math.Round(v) : null;
    }

    /// <summary>The store keeps times to the millisecond (the API's precision): a save and a rebuild must agree.</summary>
    private static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static List<string> FindingChecks(Job? job, string taskId, string stepId)
    {
        var step = job?.Tasks?.FirstOrDefault(t => t.Id == taskId)?.Steps?.FirstOrDefault(s => s.Id == stepId);
        var checks = new List<string>();
        foreach (var output in step?.Outputs ?? [])
        {
            if (output.Kind != "report" || output.Body is not { ValueKind: JsonValueKind.Object } b) continue;
            if (!b.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array) continue;
            foreach (var f in findings.EnumerateArray())
            {
                if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("check", out var c) && c.GetString() is { Length: > 0 } name) checks.Add(name);
            }
        }
        return checks.Distinct().ToList();
    }

    public string ToJson() => JsonSerializer.Serialize(this, RollupJson.Default.JobContribution);

    public static JobContribution FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? None : JsonSerializer.Deserialize(json, RollupJson.Default.JobContribution) ?? None;
}

/// <summary>The stored contributions' JSON (web defaults: camelCase), generated at build time: every save writes one per job.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JobContribution))]
[JsonSerializable(typeof(string))]
internal sealed partial class RollupJson : JsonSerializerContext;
