using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.Extensions.Caching.Memory;

namespace Filecheck.Dashboard.Jobs.Runs;

/// <summary>
/// A job's runs (per-file proofs and downloads) with their presigned URLs. The URLs are kept in memory for a minute at
/// most, far inside their hour of validity, and never stored; a URL that fails is refetched.
/// </summary>
public sealed class RunsService(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(60);

    public async Task<FilecheckResult<RunsResponse>> GetAsync(JobId id, bool fresh = false, CancellationToken ct = default)
    {
        var key = "runs:" + id.Value;
        if (!fresh && cache.TryGetValue(key, out RunsResponse? cached) && cached is not null)
        {
            return FilecheckResult<RunsResponse>.Success(cached);
        }
        using var scope = scopes.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<IFilecheckClient>().GetRunsAsync(id, ct);
        if (result.IsSuccess) cache.Set(key, result.Value, Freshness);
        return result;
    }

    public void Forget(JobId id) => cache.Remove("runs:" + id.Value);
}
