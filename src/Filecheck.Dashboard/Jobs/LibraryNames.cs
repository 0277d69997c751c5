using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.Extensions.Caching.Memory;

namespace Filecheck.Dashboard.Jobs;

/// <summary>Names of workflows and rules, so pages show words instead of IDs. Cached; a failure falls back to the ID.</summary>
public sealed class LibraryNames(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FailureLifetime = TimeSpan.FromSeconds(30);

    public Task<string?> WorkflowAsync(string? id, CancellationToken ct = default) =>
        NameAsync("workflows", id, (client, c) => client.ListWorkflowsAsync(c), ct);

    public Task<string?> RuleAsync(string? id, CancellationToken ct = default) =>
        NameAsync("rules", id, (client, c) => client.ListRulesAsync(c), ct);

    private async Task<string?> NameAsync(
        string kind, string? id,
        Func<IFilecheckClient, CancellationToken, Task<FilecheckResult<IReadOnlyList<LibraryItem>>>> list,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id)) return null;
        var names = await cache.GetOrCreateAsync("library:" + kind, async entry =>
        {
            // A client per use: this cache lives for the process, a typed HttpClient should not.
            using var scope = scopes.CreateScope();
            var result = await list(scope.ServiceProvider.GetRequiredService<IFilecheckClient>(), ct);
            entry.AbsoluteExpirationRelativeToNow = result.IsSuccess ? Lifetime : FailureLifetime;
            return result.IsSuccess
                ? result.Value.GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Name ?? g.Key)
                : new Dictionary<string, string>();
        });
        return names is not null && names.TryGetValue(id, out var name) ? name : null;
    }
}
