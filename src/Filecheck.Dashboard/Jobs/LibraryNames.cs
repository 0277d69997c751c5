using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.Extensions.Caching.Memory;

namespace Filecheck.Dashboard.Jobs;

/// <summary>Names of workflows and rules, so pages show words instead of IDs. Cached; a failure falls back to the ID.</summary>
public sealed class LibraryNames(IFilecheckClient client, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FailureLifetime = TimeSpan.FromSeconds(30);

    public Task<string?> WorkflowAsync(string? id, CancellationToken ct = default) =>
        NameAsync("workflows", id, client.ListWorkflowsAsync, ct);

    public Task<string?> RuleAsync(string? id, CancellationToken ct = default) =>
        NameAsync("rules", id, client.ListRulesAsync, ct);

    private async Task<string?> NameAsync(
        string kind, string? id,
        Func<CancellationToken, Task<FilecheckResult<IReadOnlyList<LibraryItem>>>> list,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id)) return null;
        var names = await cache.GetOrCreateAsync("library:" + kind, async entry =>
        {
            var result = await list(ct);
            entry.AbsoluteExpirationRelativeToNow = result.IsSuccess ? Lifetime : FailureLifetime;
            return result.IsSuccess
                ? result.Value.GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Name ?? g.Key)
                : new Dictionary<string, string>();
        });
        return names is not null && names.TryGetValue(id, out var name) ? name : null;
    }
}
