using System.Security.Claims;
using Filecheck.Dashboard.Data;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>The user a limit or an audit line is about: the token's stable ID, never the display name.</summary>
public static class UserKey
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirst("oid")?.Value
        ?? user.FindFirst("http://schemas.microsoft.com/identity/claims/objectidentifier")?.Value
        ?? user.FindFirst("sub")?.Value
        ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
        ?? user.Identity?.Name
        ?? "unknown";
}

/// <summary>
/// At most <see cref="CheckOptions.PerUserPerHour"/> checks per person in each clock hour, an upload counting as one (it
/// asks Filecheck for credentials; the check that then names that upload does not count again), and at most
/// <see cref="CheckOptions.UploadsInFlightPerUser"/> uploads of one person at once. Counted in the store
/// (<see cref="UserWindowStore"/>): every instance on one database gives a person the same budget. An upload whose
/// instance died without giving its place back frees it after <see cref="CheckOptions.UploadTimeout"/>.
/// </summary>
public sealed class CheckQuota(IUserWindows store, IOptions<CheckOptions> options, TimeProvider clock)
{
    private const long HourMs = 3_600_000;

    /// <summary>
    /// Starts one upload for the user: a place among their uploads in flight (given back when disposed) and one check from
    /// their hour; a refusal with when to try again when either is spent.
    /// </summary>
    public async Task<UploadStart> TryBeginUploadAsync(string userKey, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var limit = options.Value.UploadsInFlightPerUser;
        var uploadingKey = "uploading:" + userKey;
        var resetBefore = now - (long)options.Value.UploadTimeout.TotalMilliseconds;
        if (await store.TryTakeAsync(uploadingKey, now, resetBefore, limit, ct) is null)
        {
            return new UploadStart(null, $"You already have {limit} uploads on their way. Wait for one to finish, then try again.", TimeSpan.FromSeconds(10));
        }
        var slot = new UploadSlot(store, uploadingKey);
        var (taken, retryAfter) = await TryTakeAsync(userKey, ct);
        if (!taken)
        {
            await slot.DisposeAsync();
            return new UploadStart(null, $"You have run many checks in the last hour. The next upload can start in {Shell.Format.Duration(retryAfter.Add(TimeSpan.FromSeconds(59)))} or so.", retryAfter);
        }
        return new UploadStart(slot, null, TimeSpan.Zero);
    }

    /// <summary>Notes that this upload has paid for its check already.</summary>
    public async Task PaidAsync(string userKey, string fileRef, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // Bounded like the hour itself: a paid upload not checked within the hour is forgotten.
        await store.ForgetAsync("paid:", now - HourMs, ct);
        await store.MarkAsync(PaidKey(userKey, fileRef), now, ct);
    }

    /// <summary>The check for an upload this user paid for takes nothing more (once); any other takes one from the hour.</summary>
    public async Task<(bool Taken, TimeSpan RetryAfter)> TryTakeForAsync(string userKey, string? uploadedFileRef, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (uploadedFileRef is not null && await store.TryConsumeAsync(PaidKey(userKey, uploadedFileRef), now - HourMs, ct)) return (true, TimeSpan.Zero);
        return await TryTakeAsync(userKey, ct);
    }

    /// <summary>Takes one check from the user's hour; when none is left, says when the next hour begins.</summary>
    public async Task<(bool Taken, TimeSpan RetryAfter)> TryTakeAsync(string userKey, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % HourMs;
        var taken = await store.TryTakeAsync("checks:" + userKey, start, resetBefore: start, options.Value.PerUserPerHour, ct);
        return taken is null ? (false, TimeSpan.FromMilliseconds(start + HourMs - now)) : (true, TimeSpan.Zero);
    }

    private static string PaidKey(string userKey, string fileRef) => "paid:" + userKey + ":" + fileRef;

    private sealed class UploadSlot(IUserWindows store, string key) : IAsyncDisposable
    {
        private int _done;

        // Given back even when the request was aborted: the place must not stay taken until the timeout.
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) await store.ReleaseAsync(key, CancellationToken.None);
        }
    }
}

/// <summary>An upload's start: its place (given back when disposed), or the refusal and when to try again.</summary>
public sealed record UploadStart(IAsyncDisposable? Slot, string? Refusal, TimeSpan RetryAfter);
