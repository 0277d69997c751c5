using System.Security.Claims;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Jobs.Limits;
using Filecheck.Dashboard.Shell;
using Microsoft.AspNetCore.Components.Authorization;

namespace Filecheck.Dashboard.Jobs;

/// <summary>A job as the job page shows it, with the names of its workflow and rule.</summary>
public sealed record JobView(Job Job, string? WorkflowName, string? RuleName, DateTimeOffset FetchedAt);

/// <summary>The job shown is the store's last copy because Filecheck could not be asked: since when, and why.</summary>
public sealed record StaleNotice(DateTimeOffset Since, string Reason, FilecheckFailureKind Kind)
{
    /// <summary>How long Filecheck asked us to wait (a 429's Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

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
/// shown, marked stale. Every lookup of a valid ID is audited with the user's stable ID and name, and counted against
/// the person's <c>Limits:LookupsPerMinute</c>.
/// </summary>
public sealed class JobLookupService(
    IFilecheckClient client,
    LibraryNames names,
    TimeProvider clock,
    ILogger<JobLookupService> logger,
    IJobHistory history,
    UserBudget budget,
    DashboardMetrics metrics,
    Live.SharedJobs shared,
    AuthenticationStateProvider? authentication = null)
{
    public Task<JobLoad> LoadAsync(string? text, CancellationToken ct = default) => LoadAsync(text, user: null, ct);

    /// <param name="userName">Who looks it up, by name alone (a worker, a test); null takes the signed-in user of the circuit.</param>
    /// <param name="refresh">Ask Filecheck even when the store has a recent copy (the page's Refresh button).</param>
    public Task<JobLoad> LoadAsync(string? text, string? userName, CancellationToken ct = default, bool refresh = false) =>
        LoadAsync(text, userName is null ? null : Named(userName), ct, refresh);

    /// <param name="user">Who looks it up; null takes the signed-in user of the circuit.</param>
    /// <param name="refresh">Ask Filecheck even when the store has a recent copy (the page's Refresh button).</param>
    /// <param name="action">What the audit calls it; only <see cref="AuditActions.Lookup"/> spends the lookup budget
    /// (the raw JSON endpoint has its own).</param>
    /// <param name="retry">The page asking again by itself after a failure: not the person's lookup, so it spends no
    /// budget, and it is audited only when it brings the job (a retry that fails again adds nothing).</param>
    public async Task<JobLoad> LoadAsync(string? text, ClaimsPrincipal? user, CancellationToken ct = default, bool refresh = false,
        string action = AuditActions.Lookup, bool retry = false)
    {
        if (!JobId.TryParse(text, out var id, out var error))
        {
            return JobLoad.Failed(JobProblem.InvalidId(error ?? "Enter a job ID."));
        }

        user ??= await CurrentUserAsync();
        if (action == AuditActions.Lookup && !retry && UserKey.Of(user) is { } key && await budget.TryTakeAsync(UserLimitKind.Lookups, "user:" + key, ct) is { } wait)
        {
            // Nothing asked, nothing audited: the person is told when to try again.
            return JobLoad.Failed(JobProblem.TooManyLookups(wait));
        }
        var who = user;
        Task Audit(string result)
        {
            metrics.Lookup(action, result);
            return retry && result != "fresh" ? Task.CompletedTask : AuditAsync(id, who, action, result, ct);
        }

        var stored = await Safe(() => history.GetAsync(id.Value, ct), null);
        var cacheAge = history.CacheAge;
        if (!refresh && stored is { IsTerminal: true, HasDetails: true, LastFetchedAt: { } fetched } && clock.GetUtcNow() - fetched <= cacheAge)
        {
            await Audit("cache");
            return await ViewAsync(stored.Job, fetched, withNames: true, ct) with { FromStore = true };
        }

        var result = await client.GetJobAsync(id, ct);
        if (!result.IsSuccess)
        {
            var failure = result.Failure;
            if (stored is not null && failure.Kind is FilecheckFailureKind.Unavailable or FilecheckFailureKind.RateLimited or FilecheckFailureKind.Malformed)
            {
                await Audit("stale:" + failure.Kind);
                var since = stored.LastFetchedAt ?? stored.LastSeenAt;
                // Names would be one more failing call each: the IDs are shown instead.
                return await ViewAsync(stored.Job, since, withNames: false, ct) with
                {
                    Stale = new StaleNotice(since, JobProblem.From(failure).Title, failure.Kind) { RetryAfter = failure.RetryAfter },
                };
            }
            await Audit("failed:" + failure.Kind);
            return JobLoad.Failed(JobProblem.From(failure));
        }

        var job = result.Value;
        await Safe(async () =>
        {
            await history.SaveAsync(job, JobSources.Lookup, ct);
            return 0;
        }, 0);
        await Audit("fresh");
        return await ViewAsync(job, clock.GetUtcNow(), withNames: true, ct);
    }

    private async Task<JobLoad> ViewAsync(Job job, DateTimeOffset fetchedAt, bool withNames, CancellationToken ct)
    {
        // Every viewer of this version shows the same parsed copy (the page holds it as long as it is open).
        job = shared.Share(job);
        if (!withNames) return JobLoad.Ok(new JobView(job, null, null, fetchedAt));
        var workflow = names.WorkflowAsync(job.WorkflowId, ct);
        var rule = names.RuleAsync(job.RuleId, ct);
        return JobLoad.Ok(new JobView(job, await workflow, await rule, fetchedAt));
    }

    private Task AuditAsync(JobId id, ClaimsPrincipal? user, string action, string result, CancellationToken ct) => Safe(async () =>
    {
        await history.RecordAccessAsync(id.Value, () => Task.FromResult(AuditUserOf(user)), action, result, ct);
        return 0;
    }, 0);

    /// <summary>The stable ID and the name; "unknown" for both outside a circuit with nobody signed in.</summary>
    public static AuditUser AuditUserOf(ClaimsPrincipal? user) => new(UserKey.Of(user) ?? "unknown", UserKey.NameOf(user));

    private static ClaimsPrincipal Named(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], authenticationType: "named"));

    private async Task<ClaimsPrincipal?> CurrentUserAsync()
    {
        if (authentication is null) return null;
        try
        {
            return (await authentication.GetAuthenticationStateAsync()).User;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Outside a circuit (no authentication state yet), or a host without sign-in: the audit says "unknown" and no
            // per-person limit applies, rather than failing the lookup.
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
