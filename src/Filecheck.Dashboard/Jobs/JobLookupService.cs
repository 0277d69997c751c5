using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.AspNetCore.Components.Authorization;

namespace Filecheck.Dashboard.Jobs;

/// <summary>A job as the job page shows it, with the names of its workflow and rule.</summary>
public sealed record JobView(Job Job, string? WorkflowName, string? RuleName, DateTimeOffset FetchedAt);

/// <summary>The job shown is the store's last copy because Filecheck could not be asked: since when, and why.</summary>
public sealed record StaleNotice(DateTimeOffset Since, string Reason, FilecheckFailureKind Kind);

public sealed record JobLoad(JobView? View, JobProblem? Problem)
{
    /// <summary>Set when <see cref="View"/> comes from the history store because Filecheck failed.</summary>
    public StaleNotice? Stale { get; init; }

    /// <summary>True when <see cref="View"/> was served from the history store without asking Filecheck (a recent terminal job).</summary>
    public bool FromStore { get; init; }

    public static JobLoad Ok(JobView view) => new(view, null);
    public static JobLoad Failed(JobProblem problem) => new(null, problem);
}

/// <summary>
/// Looks up one job for a page: validates the ID first, then serves a recently fetched terminal job from the history
/// store, or asks Filecheck and writes the answer through to the store. When Filecheck is down the stored copy is
/// shown, marked stale. Every lookup of a valid ID is audited with the user's name.
/// </summary>
public sealed class JobLookupService(
    IFilecheckClient client,
    LibraryNames names,
    TimeProvider clock,
    ILogger<JobLookupService> logger,
    IJobHistory history,
    AuthenticationStateProvider? authentication = null)
{
    public Task<JobLoad> LoadAsync(string? text, CancellationToken ct = default) => LoadAsync(text, userName: null, ct);

    /// <param name="userName">Who looks it up, for the audit; null takes the signed-in user of the circuit.</param>
    /// <param name="refresh">Ask Filecheck even when the store has a recent copy (the page's Refresh button).</param>
    public async Task<JobLoad> LoadAsync(string? text, string? userName, CancellationToken ct = default, bool refresh = false)
    {
        if (!JobId.TryParse(text, out var id, out var error))
        {
            return JobLoad.Failed(JobProblem.InvalidId(error ?? "Enter a job ID."));
        }

        var stored = await Safe(() => history.GetAsync(id.Value, ct), null);
        var cacheAge = history.CacheAge;
        if (!refresh && stored is { IsTerminal: true, HasDetails: true, LastFetchedAt: { } fetched } && clock.GetUtcNow() - fetched <= cacheAge)
        {
            await AuditAsync(id, userName, "cache", ct);
            return await ViewAsync(stored.Job, fetched, withNames: true, ct) with { FromStore = true };
        }

        var result = await client.GetJobAsync(id, ct);
        if (!result.IsSuccess)
        {
            var failure = result.Failure;
            if (stored is not null && failure.Kind is FilecheckFailureKind.Unavailable or FilecheckFailureKind.RateLimited or FilecheckFailureKind.Malformed)
            {
                await AuditAsync(id, userName, "stale:" + failure.Kind, ct);
                var since = stored.LastFetchedAt ?? stored.LastSeenAt;
                // Names would be one more failing call each: the IDs are shown instead.
                return await ViewAsync(stored.Job, since, withNames: false, ct) with
                {
                    Stale = new StaleNotice(since, JobProblem.From(failure).Title, failure.Kind),
                };
            }
            await AuditAsync(id, userName, "failed:" + failure.Kind, ct);
            return JobLoad.Failed(JobProblem.From(failure));
        }

        var job = result.Value;
        await Safe(async () =>
        {
            await history.SaveAsync(job, JobSources.Lookup, ct);
            return 0;
        }, 0);
        await AuditAsync(id, userName, "fresh", ct);
        return await ViewAsync(job, clock.GetUtcNow(), withNames: true, ct);
    }

    private async Task<JobLoad> ViewAsync(Job job, DateTimeOffset fetchedAt, bool withNames, CancellationToken ct)
    {
        if (!withNames) return JobLoad.Ok(new JobView(job, null, null, fetchedAt));
        var workflow = names.WorkflowAsync(job.WorkflowId, ct);
        var rule = names.RuleAsync(job.RuleId, ct);
        return JobLoad.Ok(new JobView(job, await workflow, await rule, fetchedAt));
    }

    private async Task AuditAsync(JobId id, string? userName, string result, CancellationToken ct)
    {
        await Safe(async () =>
        {
            await history.RecordLookupAsync(id.Value, async () => userName ?? await CurrentUserAsync() ?? "unknown", result, ct);
            return 0;
        }, 0);
    }

    private async Task<string?> CurrentUserAsync()
    {
        if (authentication is null) return null;
        try
        {
            var state = await authentication.GetAuthenticationStateAsync();
            return state.User.Identity?.Name;
        }
        catch (InvalidOperationException)
        {
            // Outside a circuit (no authentication state yet): the audit says "unknown" rather than failing the lookup.
            return null;
        }
    }

    // The store is a copy: a failing disk must not stop staff from seeing a job Filecheck can still answer for.
    private async Task<T> Safe<T>(Func<Task<T>> action, T fallback)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "History store failed during a job lookup");
            return fallback;
        }
    }
}
