using System.Text.Json;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Trends.Rollups;
using Microsoft.EntityFrameworkCore;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.JobsList;

namespace Filecheck.Dashboard.Trends;

/// <summary>
/// The one jobs list over the history: searched, filtered, sorted and paged in SQL. Days are counted in the trends'
/// zone, and a reason matches what the rollups counted for the job (its stored contribution), so a trends figure and
/// its jobs agree. The search finds an order ID, customer ID or email (email in any case), whole or by its first
/// letters, on their indexes (a prefix "abc" is the range [abc, abc\uffff), not LIKE); whole matches come first.
/// It answers the Jobs feature's <see cref="IJobsList"/> here, beside the rollups it must agree with.
/// </summary>
public sealed class JobsListQuery(IDbContextFactory<DashboardDbContext> factory, StoreMigrator migrator, RollupZone zone, TimeProvider? clock = null) : IJobsList
{
    public const string None = "-";
    public const int MinPrefixLength = 3;

    /// <summary>Matching jobs counted at most (the page says "10,000+"), and the deepest row a page may start at.</summary>
    public const int CountCap = 10_000;

    /// <summary>A file-name search reads every file's name in its range (no index serves "contains"): at most this many days.</summary>
    public const int FileNameSearchDays = 90;
    private static readonly TimeSpan ChoicesLifetime = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private (DateTimeOffset At, JobsListChoices Choices)? _choices;

    /// <summary>Why a search cannot run, in words for the person who typed it; null when it can.</summary>
    public static string? ProblemWith(string? search) => search switch
    {
        null => null,
        { Length: > JobsListState.MaxTextLength } => "That is too long to be an order ID, customer ID or email.",
        var s when s.Any(char.IsControl) => "The search contains hidden control characters. Type or paste just the ID or email.",
        _ => null,
    };

    public Task<JobsListResult> LoadAsync(JobsListState state, CancellationToken ct = default, int pageSize = JobsListState.PageSize) =>
        LoadAsync(state, ct, pageSize, CountCap);

    /// <summary>The list with the count stopped at <paramref name="countCap"/> (tests use a small one).</summary>
    public async Task<JobsListResult> LoadAsync(JobsListState state, CancellationToken ct, int pageSize, int countCap)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), zone.Zone).DateTime);
        var firstDay = state.FirstDay(today);
        if (ProblemWith(state.Search) is { } problem) return new JobsListResult(state, [], 0, pageSize, firstDay, problem);
        // OFFSET reads every row it skips: deep pages by number are refused instead of scanning millions (newest first pages on by key).
        if (!state.HasKey && (long)(state.Page - 1) * pageSize >= countCap)
        {
            return new JobsListResult(state, [], 0, pageSize, firstDay,
                $"Only the first {countCap:N0} jobs of a list can be paged through by number. Narrow the filters or the days, or list newest first and use Next.");
        }
        string? notice = null;
        var fileNameFrom = today.AddDays(1 - FileNameSearchDays);
        if (state.FileName is not null && (firstDay is null || firstDay < fileNameFrom))
        {
            // "Part of a file name" has no index to use: it scans, so its range is bounded and the page says so.
            firstDay = fileNameFrom;
            notice = $"A search by part of a file name reads every file's name, so it looks at the last {FileNameSearchDays} days at most (from {fileNameFrom:d MMM yyyy}).";
        }

        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.Jobs.AsNoTracking();
        if (firstDay is { } from)
        {
            var start = UtcBounds(from, from, zone.Zone).Start;
            q = q.Where(j => j.CreatedAt >= start);
        }
        if (state.HasDays && state.To is { } to)
        {
            var end = UtcBounds(to, to, zone.Zone).End;
            q = q.Where(j => j.CreatedAt < end);
        }
        if (state.Finished) q = q.Where(j => j.IsTerminal);
        if (state.Status is { } status) { var v = NullIfNone(status); q = q.Where(j => j.Status == v); }
        q = state.Outcome switch
        {
            null => q,
            OutcomeGroup.Other => q.Where(j => j.Outcome == null || (j.Outcome != "pass" && j.Outcome != "fixed" && j.Outcome != "warn" && j.Outcome != "fail")),
            var o => q.Where(j => j.Outcome == o),
        };
        if (state.Channel is { } c) { var v = NullIfNone(c); q = q.Where(j => j.Channel == v); }
        if (state.Workflow is { } w) { var v = NullIfNone(w); q = q.Where(j => j.WorkflowId == v); }
        if (state.Rule is { } r) { var v = NullIfNone(r); q = q.Where(j => j.RuleId == v); }
        if (state.OrderId is { } order) q = q.Where(j => j.OrderId == order);
        if (state.CustomerId is { } customer) q = q.Where(j => j.CustomerId == customer);
        if (state.Email is { } email) { var lower = email.ToLowerInvariant(); q = q.Where(j => j.CustomerEmailLower == lower); }
        if (state.FileType is { } f)
        {
            var v = NullIfNone(f);
            q = q.Where(j => db.Set<TaskRecord>().Any(t => t.JobId == j.Id && t.FileType == v));
        }
        if (state.FileName is { } name)
        {
            // Case ignored on both engines (PostgreSQL's LIKE heeds it, SQLite's does not): both sides lower-cased. The escape keeps % and _ literal.
            var pattern = "%" + EscapeLike(name.ToLowerInvariant()) + "%";
            q = q.Where(j => db.Set<TaskRecord>().Any(t => t.JobId == j.Id && EF.Functions.Like(t.FileName!.ToLower(), pattern, "!")));
        }
        if (state.Reason is { } reason)
        {
            var pattern = "%\"reason\":" + EscapeLike(JsonSerializer.Serialize(reason, RollupJson.Default.String)) + "%";
            q = q.Where(j => db.Set<RollupJob>().Any(x => x.JobId == j.Id && EF.Functions.Like(x.Contribution, pattern, "!")));
        }
        var search = state.Search;
        var lowerSearch = search?.ToLowerInvariant();
        if (search is not null)
        {
            var prefix = search.Length >= MinPrefixLength;
            var upper = search + '\uffff';
            var lowerUpper = lowerSearch + '\uffff';
            q = q.Where(j =>
                j.OrderId == search || j.CustomerId == search || j.CustomerEmailLower == lowerSearch
                || (prefix && (
                    (string.Compare(j.OrderId, search) > 0 && string.Compare(j.OrderId, upper) < 0)
                    || (string.Compare(j.CustomerId, search) > 0 && string.Compare(j.CustomerId, upper) < 0)
                    || (string.Compare(j.CustomerEmailLower, lowerSearch) > 0 && string.Compare(j.CustomerEmailLower, lowerUpper) < 0))));
        }
        // Counting stops past the cap: a count of millions would read every matching row on every page.
        var counted = await q.Take(countCap + 1).CountAsync(ct);
        var total = Math.Min(counted, countCap);
        q = (state.Sort, state.Desc) switch
        {
            // NULLs first ascending and last descending, said here rather than left to the engine (SQLite and PostgreSQL differ);
            // ties newest first, then by ID.
            (JobsListSort.Outcome, false) => q.OrderBy(j => j.Outcome != null).ThenBy(j => j.Outcome).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Outcome, true) => q.OrderByDescending(j => j.Outcome != null).ThenByDescending(j => j.Outcome).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Channel, false) => q.OrderBy(j => j.Channel != null).ThenBy(j => j.Channel).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Channel, true) => q.OrderByDescending(j => j.Channel != null).ThenByDescending(j => j.Channel).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Workflow, false) => q.OrderBy(j => j.WorkflowId != null).ThenBy(j => j.WorkflowId).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Workflow, true) => q.OrderByDescending(j => j.WorkflowId != null).ThenByDescending(j => j.WorkflowId).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Files, false) => q.OrderBy(j => j.FileCount).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (JobsListSort.Files, true) => q.OrderByDescending(j => j.FileCount).ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            (_, false) => q.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id),
            // A search's whole matches come before its prefix matches, newest first within each.
            _ when search is not null => q.OrderByDescending(j => j.OrderId == search || j.CustomerId == search || j.CustomerEmailLower == lowerSearch)
                .ThenByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
            _ => q.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id),
        };
        if (!state.PagesByKey)
        {
            var rows = await q.Skip((state.Page - 1) * pageSize).Take(pageSize).Select(Row).ToListAsync(ct);
            return new JobsListResult(state, rows, total, pageSize, firstDay, null) { TotalCapped = counted > countCap, Notice = notice };
        }
        // Newest first: a page by key reads only its own rows on the CreatedAt index, however deep (one more row says whether more follow).
        List<JobsListRow> page;
        bool more;
        if (state.HasKey && JobsListKey.TryParse(state.After ?? state.Before, out var key))
        {
            var (at, id) = (key.CreatedAt, key.Id);
            var before = state.After is null;
            page = before
                ? await q.Where(j => j.CreatedAt > at || (j.CreatedAt == at && string.Compare(j.Id, id) < 0))
                    .OrderBy(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(pageSize + 1).Select(Row).ToListAsync(ct)
                : await q.Where(j => j.CreatedAt < at || (j.CreatedAt == at && string.Compare(j.Id, id) > 0))
                    .OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Take(pageSize + 1).Select(Row).ToListAsync(ct);
            more = page.Count > pageSize;
            if (more) page.RemoveAt(page.Count - 1);
            if (before) page.Reverse();
            return new JobsListResult(state, page, total, pageSize, firstDay, null)
            {
                TotalCapped = counted > countCap, Notice = notice,
                // After a key there is always a page before; before a key, only when the read found more.
                NextKey = page.Count > 0 && (before || more) ? KeyOf(page[^1]) : null,
                PreviousKey = page.Count > 0 && (!before || more) ? KeyOf(page[0]) : null,
            };
        }
        page = await q.Skip((state.Page - 1) * pageSize).Take(pageSize + 1).Select(Row).ToListAsync(ct);
        more = page.Count > pageSize;
        if (more) page.RemoveAt(page.Count - 1);
        return new JobsListResult(state, page, total, pageSize, firstDay, null)
        {
            TotalCapped = counted > countCap, Notice = notice, NextKey = more && page.Count > 0 ? KeyOf(page[^1]) : null,
        };
    }

    private static readonly System.Linq.Expressions.Expression<Func<JobRecord, JobsListRow>> Row =
        j => new JobsListRow(j.Id, j.CreatedAt, j.Status, j.Outcome, j.Channel, j.WorkflowId, j.RuleId, j.OrderId, j.CustomerId, j.CustomerEmail, j.FileCount);

    /// <summary>A row's key; a job without a creation time has none (it sorts apart on each engine).</summary>
    private static string? KeyOf(JobsListRow row) => row.CreatedAt is { } at ? JobsListKey.Format(at, row.Id) : null;

    /// <summary>The statuses, channels and workflows the history holds, for the filter menus; kept a minute.</summary>
    public async Task<JobsListChoices> ChoicesAsync(CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        if (_choices is { } cached && now - cached.At < ChoicesLifetime) return cached.Choices;
        await migrator.EnsureReadyAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var statuses = await db.Jobs.Where(j => j.Status != null).Select(j => j.Status!).Distinct().OrderBy(s => s).Take(50).ToListAsync(ct);
        var channels = await db.Jobs.Where(j => j.Channel != null).Select(j => j.Channel!).Distinct().OrderBy(s => s).Take(200).ToListAsync(ct);
        var workflows = await db.Jobs.Where(j => j.WorkflowId != null).Select(j => j.WorkflowId!).Distinct().OrderBy(s => s).Take(200).ToListAsync(ct);
        var choices = new JobsListChoices(statuses, channels, workflows);
        _choices = (now, choices);
        return choices;
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
