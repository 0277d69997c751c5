using System.Text.Json;
using Filecheck.Dashboard.History.Data;
using Filecheck.Dashboard.History.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History.JobsList;

public sealed record JobsListRow(string Id, DateTimeOffset? CreatedAt, string? Status, string? Outcome, string? Channel, string? WorkflowId, string? RuleId, int FileCount);

public sealed record JobsListResult(JobsListState State, IReadOnlyList<JobsListRow> Rows, int Total)
{
    public int PageCount => Math.Max(1, (Total + JobsListState.PageSize - 1) / JobsListState.PageSize);
    public bool HasNext => State.Page < PageCount;
}

/// <summary>
/// The jobs list over the history, filtered, sorted and paged in SQL. Days are counted in the trends' zone, and a
/// reason matches what the rollups counted for the job (its stored contribution), so a trends figure and its jobs agree.
/// </summary>
public sealed class JobsListQuery(IDbContextFactory<HistoryDbContext> factory, HistoryMigrator migrator, RollupZone zone)
{
    public const string None = "-";

    public async Task<JobsListResult> LoadAsync(JobsListState state, CancellationToken ct = default)
    {
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.Jobs.AsNoTracking();
        if (state.From is { } from)
        {
            var start = UtcBounds(from, from, zone.Zone).Start;
            q = q.Where(j => j.CreatedAt >= start);
        }
        if (state.To is { } to)
        {
            var end = UtcBounds(to, to, zone.Zone).End;
            q = q.Where(j => j.CreatedAt < end);
        }
        if (state.Finished) q = q.Where(j => j.IsTerminal);
        q = state.Outcome switch
        {
            null => q,
            OutcomeGroup.Other => q.Where(j => j.Outcome == null || (j.Outcome != "pass" && j.Outcome != "fixed" && j.Outcome != "warn" && j.Outcome != "fail")),
            var o => q.Where(j => j.Outcome == o),
        };
        if (state.Channel is { } c) { var v = NullIfNone(c); q = q.Where(j => j.Channel == v); }
        if (state.Workflow is { } w) { var v = NullIfNone(w); q = q.Where(j => j.WorkflowId == v); }
        if (state.Rule is { } r) { var v = NullIfNone(r); q = q.Where(j => j.RuleId == v); }
        if (state.FileType is { } f)
        {
            var v = NullIfNone(f);
            q = q.Where(j => db.Tasks.Any(t => t.JobId == j.Id && t.FileType == v));
        }
        if (state.Reason is { } reason)
        {
            var pattern = "%\"reason\":" + EscapeLike(JsonSerializer.Serialize(reason, RollupJson.Options)) + "%";
            q = q.Where(j => db.Set<RollupJob>().Any(x => x.JobId == j.Id && EF.Functions.Like(x.Contribution, pattern, "!")));
        }
        var total = await q.CountAsync(ct);
        q = (state.Sort, state.Desc) switch
        {
            (JobsListSort.Outcome, false) => q.OrderBy(j => j.Outcome).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Outcome, true) => q.OrderByDescending(j => j.Outcome).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Channel, false) => q.OrderBy(j => j.Channel).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Channel, true) => q.OrderByDescending(j => j.Channel).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Workflow, false) => q.OrderBy(j => j.WorkflowId).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Workflow, true) => q.OrderByDescending(j => j.WorkflowId).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Files, false) => q.OrderBy(j => j.FileCount).ThenByDescending(j => j.CreatedAt),
            (JobsListSort.Files, true) => q.OrderByDescending(j => j.FileCount).ThenByDescending(j => j.CreatedAt),
            (_, false) => q.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id),
            _ => q.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
        };
        var rows = await q.Skip((state.Page - 1) * JobsListState.PageSize).Take(JobsListState.PageSize)
            .Select(j => new JobsListRow(j.Id, j.CreatedAt, j.Status, j.Outcome, j.Channel, j.WorkflowId, j.RuleId, j.FileCount))
            .ToListAsync(ct);
        return new JobsListResult(state, rows, total);
    }

    /// <summary>The instants between the start of <paramref name="from"/> and the end of <paramref name="to"/>, local days in <paramref name="zone"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) UtcBounds(DateOnly from, DateOnly to, TimeZoneInfo zone) =>
        (StartOf(from, zone), StartOf(to.AddDays(1), zone));

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a clock change starts the day an hour later.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static string? NullIfNone(string value) => value == None ? null : value;

    private static string EscapeLike(string text) => text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_");
}
