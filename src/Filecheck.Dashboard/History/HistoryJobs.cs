using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>The history as the Jobs feature sees it: its port, implemented by the store.</summary>
public sealed class HistoryJobs(HistoryReads reads, JobWriter writer, LookupAudit audit, IOptions<HistoryOptions> options) : IJobHistory
{
    public TimeSpan CacheAge => options.Value.CacheAge;

    public Task<StoredJob?> GetAsync(string jobId, CancellationToken ct) => reads.GetJobAsync(jobId, ct);

    public Task SaveAsync(Job job, string source, CancellationToken ct) => writer.SaveJobAsync(job, source, ct);

    public async Task RecordAccessAsync(string jobId, Func<Task<AuditUser>> user, string action, string result, CancellationToken ct) =>
        await audit.RecordAsync(jobId, await user(), action, result, ct);

    public Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userId, int count, CancellationToken ct) =>
        audit.RecentLookupsAsync(userId, count, ct);
}
