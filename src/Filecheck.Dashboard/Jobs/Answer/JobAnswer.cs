using System.Text.Json;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs.Answer;

/// <summary>What the answer says overall, which decides its colour and icon.</summary>
public enum AnswerTone
{
    Clean,
    Fixed,
    Problem,
    InProgress,
    Unknown,
}

public enum AnswerItemKind
{
    Failed,
    Warning,
    Fixed,
    NotCompliant,
    Error,
}

/// <summary>One reason, in the customer's words, with the step it came from (to link to it).</summary>
public sealed record AnswerItem(AnswerItemKind Kind, string Text, string? StepId, string? StepType);

public sealed record AnswerFile(string TaskId, string FileName, string? Outcome, IReadOnlyList<AnswerItem> Items);

/// <summary>
/// The first thing a job page says: which files failed or warned and why, the fixes applied, the validation that
/// failed; one line for a clean job; what a running job is waiting for. A support agent reads it out on the phone.
/// Pure: built from the job alone, tested without rendering.
/// </summary>
public sealed record JobAnswer(AnswerTone Tone, string Headline, IReadOnlyList<AnswerFile> Files, int FilesNotShown)
{
    /// <summary>Files with something to say, at most <paramref name="maxFiles"/> (the rest counted in <see cref="FilesNotShown"/>).</summary>
    public static JobAnswer For(Job job, int maxFiles = 10)
    {
        var tasks = job.Tasks ?? [];
        var files = new List<AnswerFile>();
        foreach (var task in tasks)
        {
            var items = ItemsFor(task, job.Results);
            if (items.Count > 0) files.Add(new AnswerFile(task.Id, task.DisplayName, task.Outcome, items));
        }
        // Failures first, then warnings, then fixes: the order an agent reads them out in.
        files = files.OrderBy(f => Rank(f)).ToList();
        var shown = files.Take(maxFiles).ToList();
        return new JobAnswer(ToneOf(job, files), HeadlineOf(job, tasks, files), shown, files.Count - shown.Count);
    }

    private static int Rank(AnswerFile f) =>
        f.Items.Min(i => i.Kind switch
        {
            AnswerItemKind.Error or AnswerItemKind.Failed or AnswerItemKind.NotCompliant => 0,
            AnswerItemKind.Warning => 1,
            _ => 2,
        });

    private static AnswerTone ToneOf(Job job, List<AnswerFile> files)
    {
        if (!job.IsTerminal) return AnswerTone.InProgress;
        if (files.Any(f => f.Items.Any(i => i.Kind is not AnswerItemKind.Fixed))) return AnswerTone.Problem;
        if (files.Count > 0) return AnswerTone.Fixed;
        return Outcome.Severity(job.Outcome) is OutcomeSeverity.Good or OutcomeSeverity.None ? AnswerTone.Clean
            : Outcome.Severity(job.Outcome) is OutcomeSeverity.Fixed ? AnswerTone.Fixed
            : Outcome.Severity(job.Outcome) is OutcomeSeverity.Unknown ? AnswerTone.Unknown
            : AnswerTone.Problem;
    }

    private static string HeadlineOf(Job job, IReadOnlyList<JobTask> tasks, List<AnswerFile> files)
    {
        var total = tasks.Count;
        var failed = files.Count(f => f.Items.Any(i => i.Kind is AnswerItemKind.Failed or AnswerItemKind.Error or AnswerItemKind.NotCompliant));
        var warned = files.Count(f => f.Items.Any(i => i.Kind is AnswerItemKind.Warning)
                                      && !f.Items.Any(i => i.Kind is AnswerItemKind.Failed or AnswerItemKind.Error or AnswerItemKind.NotCompliant));
        var fixedOnly = files.Count(f => f.Items.All(i => i.Kind is AnswerItemKind.Fixed));

        if (!job.IsTerminal) return Waiting(job, tasks) + (failed + warned > 0 ? $" So far: {Problems(failed, warned, total)}." : "");
        if (total == 0) return $"The job is {Outcome.Label(job.Outcome).ToLowerInvariant()} and holds no files.";
        if (failed + warned == 0)
        {
            var all = total == 1 ? "The file is" : $"All {total} files are";
            return fixedOnly > 0
                ? $"{all} ready to print: {Count(fixedOnly, "file was", "files were")} fixed automatically."
                : $"{all} clean: nothing to fix.";
        }
        var fixes = fixedOnly > 0 ? $"; {Count(fixedOnly, "file was", "files were")} fixed automatically" : "";
        return Problems(failed, warned, total) + fixes + ".";
    }

    private static string Problems(int failed, int warned, int total)
    {
        var parts = new List<string>();
        if (failed > 0) parts.Add($"{Of(failed, total)} failed");
        if (warned > 0) parts.Add($"{Of(warned, total)} {(warned == 1 ? "has" : "have")} warnings");
        return string.Join(", ", parts);
    }

    private static string Of(int n, int total) => total == 1 ? "The file" : n == total ? $"All {total} files" : $"{n} of {total} files";

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    /// <summary>What a job that has not finished is waiting for: the steps running now, else the next to start.</summary>
    private static string Waiting(Job job, IReadOnlyList<JobTask> tasks)
    {
        var done = tasks.Count(t => JobStatus.IsTerminal(t.Status));
        var progress = tasks.Count == 0 ? "" : $" {done} of {tasks.Count} {(tasks.Count == 1 ? "file" : "files")} done;";
        var running = tasks.SelectMany(t => (t.Steps ?? []).Where(s => JobStatus.IsActive(s.Status)).Select(s => (t, s))).ToList();
        if (running.Count > 0)
        {
            var byType = running.GroupBy(r => r.s.Type ?? "step").Select(g => $"{g.Key} on {Names(g.Select(r => r.t.DisplayName).ToList())}");
            return $"Still running:{progress} waiting for {string.Join(" and ", byType)}.";
        }
        var next = tasks.Where(t => !JobStatus.IsTerminal(t.Status))
            .Select(t => (t, s: (t.Steps ?? []).FirstOrDefault(s => s.Status is null or JobStatus.Pending)))
            .Where(x => x.s is not null).ToList();
        if (next.Count > 0)
        {
            var byType = next.GroupBy(r => r.s!.Type ?? "step").Select(g => $"{g.Key} to start on {Names(g.Select(r => r.t.DisplayName).ToList())}");
            return $"Still running:{progress} waiting for {string.Join(" and ", byType)}.";
        }
        return tasks.Count == 0
            ? $"Waiting for Filecheck to start the job ({job.Status ?? "no status yet"})."
            : $"Still running:{progress} waiting for Filecheck to finish the job.";
    }

    private static string Names(IReadOnlyList<string> names) =>
        names.Count switch
        {
            1 => names[0],
            2 => $"{names[0]} and {names[1]}",
            _ => $"{names[0]} and {names.Count - 1} more files",
        };

    private static List<AnswerItem> ItemsFor(JobTask task, JobResults? results)
    {
        var items = new List<AnswerItem>();
        var steps = task.Steps ?? [];
        // After an autofix, the re-preflight says what is left: the first preflight's findings were partly fixed.
        var lastPreflight = steps.LastOrDefault(s => s.Type is "preflight" or "repreflight" && s.Outcome is not null);
        // Without a re-preflight, an autofix after it that left the file passing fixed what the preflight found.
        var fixedLater = lastPreflight is not null
            && steps.SkipWhile(s => s != lastPreflight).Any(s => s.Type == "autofix" && s.Outcome == Outcome.Fixed)
            && Outcome.Severity(task.Outcome) is OutcomeSeverity.Good or OutcomeSeverity.Fixed;
        foreach (var step in steps)
        {
            if (step.Status == JobStatus.Error)
            {
                items.Add(new(AnswerItemKind.Error, Sentence(step.Reason) ?? $"The {step.Type ?? "step"} step stopped with an error.", step.Id, step.Type));
                continue;
            }
            switch (step.Type)
            {
                case "preflight" or "repreflight":
                    if (step != lastPreflight || fixedLater || Outcome.Severity(step.Outcome) < OutcomeSeverity.Warning) break;
                    items.AddRange(PreflightItems(task, step, results));
                    break;
                case "autofix" when step.Outcome == Outcome.Fixed:
                    var fixes = Strings(step.RuntimeParams, "messages").Select(Sentence).OfType<string>().ToList();
                    if (fixes.Count == 0) fixes = Strings(step.RuntimeParams, "fixes").Select(f => Sentence(FindingText.Humanize(f))).OfType<string>().ToList();
                    if (fixes.Count == 0) items.Add(new(AnswerItemKind.Fixed, Sentence(step.Reason) ?? "Fixed automatically.", step.Id, step.Type));
                    else items.AddRange(fixes.Select(f => new AnswerItem(AnswerItemKind.Fixed, VisibleText.Clip("Fixed automatically: " + Lower(f), MaxItemLength), step.Id, step.Type)));
                    break;
                case "validate" when Outcome.Severity(step.Outcome) == OutcomeSeverity.Failure:
                    items.Add(new(AnswerItemKind.NotCompliant, Sentence(step.Reason) ?? ValidateText(task, results), step.Id, step.Type));
                    break;
                default:
                    var severity = Outcome.Severity(step.Outcome);
                    if (severity < OutcomeSeverity.Warning) break;
                    items.Add(new(severity == OutcomeSeverity.Warning ? AnswerItemKind.Warning : AnswerItemKind.Failed,
                        Sentence(step.Reason) ?? $"The {step.Type ?? "step"} step reports {Outcome.Label(step.Outcome).ToLowerInvariant()}.", step.Id, step.Type));
                    break;
            }
        }
        // A file marked failed or warned without any step saying why still gets a line.
        if (items.Count == 0 && Outcome.Severity(task.Outcome) >= OutcomeSeverity.Warning)
        {
            items.Add(new(task.Outcome == Outcome.Warn ? AnswerItemKind.Warning : AnswerItemKind.Failed,
                $"Filecheck marked this file {Outcome.Label(task.Outcome).ToLowerInvariant()} without giving a reason.", null, null));
        }
        return items;
    }

    private static IEnumerable<AnswerItem> PreflightItems(JobTask task, Step step, JobResults? results)
    {
        var kind = step.Outcome == Outcome.Warn ? AnswerItemKind.Warning : AnswerItemKind.Failed;
        if (Sentence(step.Reason) is { } reason)
        {
            yield return new(kind, reason, step.Id, step.Type);
            yield break;
        }
        var findings = Findings(step, task, results);
        if (findings.Count == 0)
        {
            yield return new(kind, $"Preflight {Outcome.Label(step.Outcome).ToLowerInvariant()}; the report gives no details.", step.Id, step.Type);
            yield break;
        }
        // Rejections before warnings.
        foreach (var f in findings.OrderBy(f => f.Severity == "reject" || f.Severity == "error" ? 0 : 1))
        {
            var findingKind = f.Severity is "reject" or "error" or "fail" ? AnswerItemKind.Failed : AnswerItemKind.Warning;
            yield return new(findingKind, Sentence(f.Text)!, step.Id, step.Type);
        }
    }

    private sealed record FindingWords(string? Severity, string Text);

    /// <summary>The step's own report, else the job-level preflight evaluation for this file.</summary>
    private static List<FindingWords> Findings(Step step, JobTask task, JobResults? results)
    {
        var list = new List<FindingWords>();
        foreach (var output in step.Outputs ?? [])
        {
            if (output.Kind == "report" && output.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("findings", out var f))
                list.AddRange(Read(f));
        }
        if (list.Count > 0) return list;
        var report = results?.Preflight?.FirstOrDefault(p => p.TaskId == task.Id)?.Report;
        if (report is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("evaluation", out var evaluation)
            && evaluation.ValueKind == JsonValueKind.Object && evaluation.TryGetProperty("findings", out var ef))
            list.AddRange(Read(ef));
        return list;
    }

    private static IEnumerable<FindingWords> Read(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array) yield break;
        foreach (var f in array.EnumerateArray())
        {
            if (f.ValueKind != JsonValueKind.Object) continue;
            var severity = f.TryGetProperty("severity", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            yield return new(severity, FindingText.Describe(f));
        }
    }

    private static string ValidateText(JobTask task, JobResults? results)
    {
        var result = results?.Validate?.FirstOrDefault(v => v.TaskId == task.Id);
        var failing = result?.Profiles?.FirstOrDefault(p => p.Compliant == false);
        var name = failing?.ProfileName ?? failing?.Matched ?? failing?.Requested;
        return name is null ? "Validation failed." : $"Not compliant with {name}.";
    }

    private static List<string> Strings(JsonElement? parent, string name)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array) return [];
        return array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).ToList();
    }

    /// <summary>Trimmed, capitalised, ending in a full stop; null for no text.</summary>
    private static string? Sentence(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        t = char.ToUpperInvariant(t[0]) + t[1..];
        // Read out on the phone: a reason of pages is cut, its step (linked) shows it whole.
        if (t.Length >= MaxItemLength) return VisibleText.Clip(t, MaxItemLength);
        return t[^1] is '.' or '!' or '?' ? t : t + ".";
    }

    /// <summary>The longest reason the answer shows in full; a longer one is cut with "…" (its step shows it whole).</summary>
    public const int MaxItemLength = 300;

    private static string Lower(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}
