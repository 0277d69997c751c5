using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Jobs;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>The history as the Jobs feature sees it: its port, implemented by the store.</summary>
public sealed class HistoryJobs(
    HistoryReads reads, JobWriter writer, LookupAudit audit, WriteThrough writeThrough, IOptions<HistoryOptions> options, ReadAuditJournal readAudit,
    TimeProvider clock) : IJobHistory
{
    public TimeSpan CacheAge => options.Value.CacheAge;

    public Task<StoredJob?> GetAsync(string jobId, CancellationToken ct) => reads.GetJobAsync(jobId, ct);

    // Bounded: a page never waits long behind another write (the sync's batch, a big job's save).
    public Task SaveAsync(Job job, string source, CancellationToken ct) =>
        writeThrough.RunAsync("the job", job.Id, token => writer.SaveJobAsync(job, source, token), ct);

    public async Task RecordAccessAsync(string jobId, Func<Task<AuditUser>> user, string action, string result, CancellationToken ct)
    {
        // Who it was is read here, in the caller's circuit; the line itself may be written after the page moved on.
        var who = await user();
        await writeThrough.RunAsync("the " + action + " audit", jobId, token => audit.RecordAsync(jobId, who, action, result, token), ct);
    }

    public void QueueReadAudit(string jobId, AuditUser user, string action, string result) =>
        readAudit.Append(LookupReadFold.KindName, new LookupReadLine(jobId, user.Id, user.Name, action, result, clock.GetUtcNow()));

    public Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userId, int count, CancellationToken ct) =>
        audit.RecentLookupsAsync(userId, count, ct);
}
