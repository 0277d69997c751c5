using System.Security.Claims;
using System.Text.Json;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Jobs.Answer;

/// <summary>A job's findings per file through the Shell's port: looked up as the user (audited, within their budget).</summary>
public sealed class JobReports(JobLookupService lookup, IJobsList list) : IJobReports
{
    public async Task<IReadOnlyList<string>> JobsOfOrderAsync(string orderId, int limit, CancellationToken ct = default)
    {
        // The list matches the first letters of an order; a round wants exactly this order.
        var result = await list.LoadAsync(new JobsListState { Search = orderId }, ct, pageSize: limit);
        return result.Rows.Where(r => r.OrderId == orderId).Select(r => r.Id).ToList();
    }

    public async Task<JobReportResult> GetAsync(string jobId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var load = await lookup.LoadAsync(jobId, user, ct);
        if (load.View is not { } view) return new(null, load.Problem is { } p ? $"{p.Title}. {p.Detail}".Trim() : "The job could not be read.");
        return new(From(view.Job), null);
    }

    /// <summary>Pure: every file of the job with the answer's findings in the customer's words (none for a clean file).</summary>
    public static JobReport From(Job job)
    {
        var answer = JobAnswer.For(job, maxFiles: int.MaxValue);
        var files = (job.Tasks ?? []).Select(t =>
        {
            var items = answer.Files.FirstOrDefault(f => f.TaskId == t.Id)?.Items ?? [];
            return new FileReport(t.Id, t.DisplayName, t.Outcome, items.Select(i => new FileFinding(KindOf(i.Kind), i.Text)).ToList());
        }).ToList();
        return new JobReport(job.Id, job.OrderId, job.IsTerminal, files)
        {
            RecheckOf = DashboardMeta(job, "recheckOf"), RecheckFile = DashboardMeta(job, "recheckFile"),
        };
    }

    /// <summary>What "Check again" wrote in the job's metaData (<c>dashboard.recheckOf</c> …), or null.</summary>
    private static string? DashboardMeta(Job job, string key) =>
        job.MetaData is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("dashboard", out var d) && d.ValueKind == JsonValueKind.Object
        && d.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static FindingKind KindOf(AnswerItemKind kind) => kind switch
    {
        AnswerItemKind.Fixed => FindingKind.Fixed,
        AnswerItemKind.Warning => FindingKind.Warning,
        _ => FindingKind.Problem,
    };
}
