using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.Extensions.Caching.Memory;

namespace Filecheck.Dashboard.Jobs;

/// <summary>
/// Names of workflows and rules, so pages show words instead of IDs. Cached; a failure falls back to the ID, and
/// <see cref="Failure"/> says why until a fetch succeeds, so a page can say so and try again (<see cref="RetryAsync"/>).
/// </summary>
public sealed class LibraryNames(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FailureLifetime = TimeSpan.FromSeconds(30);
    private static readonly string[] Kinds = ["workflows", "rules"];

    private sealed record Library(Dictionary<string, string> Names, FilecheckFailure? Failure);

    public Task<string?> WorkflowAsync(string? id, CancellationToken ct = default) =>
        NameAsync("workflows", id, (client, c) => client.ListWorkflowsAsync(c), ct);

    public Task<string?> RuleAsync(string? id, CancellationToken ct = default) =>
        NameAsync("rules", id, (client, c) => client.ListRulesAsync(c), ct);

    /// <summary>Why the names last asked for could not be fetched; null once they were (or were never asked for).</summary>
    public FilecheckFailure? Failure =>
        Kinds.Select(kind => cache.TryGetValue("library:" + kind, out Library? library) ? library?.Failure : null).FirstOrDefault(f => f is not null);

    /// <summary>Forgets a failed fetch and asks Filecheck again; true when every list it had failed to fetch now came.</summary>
    public async Task<bool> RetryAsync(CancellationToken ct = default)
    {
        foreach (var kind in Kinds)
        {
            if (cache.TryGetValue("library:" + kind, out Library? library) && library?.Failure is not null) cache.Remove("library:" + kind);
        }
        await WorkflowAsync("-", ct);
        await RuleAsync("-", ct);
        return Failure is null;
    }

    private async Task<string?> NameAsync(
        string kind, string? id,
        Func<IFilecheckClient, CancellationToken, Task<FilecheckResult<IReadOnlyList<LibraryItem>>>> list,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id)) return null;
        var library = await cache.GetOrCreateAsync("library:" + kind, async entry =>
        {
            // A client per use: this cache lives for the process, a typed HttpClient should not.
            using var scope = scopes.CreateScope();
            var result = await list(scope.ServiceProvider.GetRequiredService<IFilecheckClient>(), ct);
            entry.AbsoluteExpirationRelativeToNow = result.IsSuccess ? Lifetime : FailureLifetime;
            return result.IsSuccess
                ? new Library(result.Value.GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Name ?? g.Key), null)
                : new Library([], result.Failure);
        });
        return library is not null && library.Names.TryGetValue(id, out var name) ? name : null;
    }
}
