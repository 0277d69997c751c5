using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs.Files;

public sealed record FileRow(string TaskId, string Name, string? FileType, string? Status, string? Outcome, int Steps, TimeSpan? Duration);

/// <summary>The files table's rows: filtered and sorted as the query string says.</summary>
public static class FileRows
{
    public static readonly string[] SortColumns = ["name", "type", "status", "outcome", "steps", "duration"];

    public static FileRow From(JobTask task) =>
        new(task.Id, task.DisplayName, task.FileType, task.Status, task.Outcome, task.Steps?.Count ?? 0, StepTime(task));

    /// <summary>The file's usable step durations added up; null when no step reports one.</summary>
    public static TimeSpan? StepTime(JobTask task)
    {
        var sum = TimeSpan.Zero;
        foreach (var step in task.Steps ?? [])
        {
            if (step?.DurationSpan is { } d) sum = Spans.Add(sum, d);
        }
        return sum > TimeSpan.Zero ? sum : null;
    }

    public static IReadOnlyList<FileRow> Query(IEnumerable<JobTask> tasks, string? filter, string? outcome, string? sort, bool desc)
    {
        var rows = tasks.Select(From);
        if (!string.IsNullOrWhiteSpace(filter))
        {
            var f = filter.Trim();
            rows = rows.Where(r => r.Name.Contains(f, StringComparison.OrdinalIgnoreCase)
                || (r.FileType?.Contains(f, StringComparison.OrdinalIgnoreCase) ?? false)
                || r.TaskId.Contains(f, StringComparison.OrdinalIgnoreCase));
        }
        if (!string.IsNullOrEmpty(outcome))
        {
            rows = rows.Where(r => string.Equals(r.Outcome ?? "none", outcome, StringComparison.OrdinalIgnoreCase));
        }
        IOrderedEnumerable<FileRow>? ordered = sort switch
        {
            "type" => Order(rows, r => r.FileType ?? "", desc),
            "status" => Order(rows, r => r.Status ?? "", desc),
            "outcome" => Order(rows, r => (int)Api.Models.Outcome.Severity(r.Outcome), desc),
            "steps" => Order(rows, r => r.Steps, desc),
            "duration" => Order(rows, r => r.Duration ?? TimeSpan.Zero, desc),
            "name" => Order(rows, r => r.Name, desc),
            _ => null,
        };
        return (ordered?.ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase) ?? rows).ToList();
    }

    private static IOrderedEnumerable<FileRow> Order<TKey>(IEnumerable<FileRow> rows, Func<FileRow, TKey> key, bool desc) =>
        desc ? rows.OrderByDescending(key) : rows.OrderBy(key);
}
