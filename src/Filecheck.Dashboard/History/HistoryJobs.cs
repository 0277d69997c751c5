using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.History;

/// <summary>The history as the Jobs feature sees it: its port, implemented by the store.</summary>
public sealed class HistoryJobs(HistoryStore store, IOptions<HistoryOptions> options) : IJobHistory
{
    public TimeSpan CacheAge => options.Value.CacheAge;

    public Task<StoredJob?> GetAsync(string jobId, CancellationToken ct) => store.GetJobAsync(jobId, ct);

    public Task SaveAsync(Job job, string source, CancellationToken ct) => store.SaveJobAsync(job, source, ct);

    public async Task RecordLookupAsync(string jobId, Func<Task<string>> userName, string result, CancellationToken ct) =>
        await store.RecordLookupAsync(jobId, await userName(), result, ct);

    public Task<IReadOnlyList<RecentLookup>> RecentLookupsAsync(string userName, int count, CancellationToken ct) =>
        store.RecentLookupsAsync(userName, count, ct);
}
