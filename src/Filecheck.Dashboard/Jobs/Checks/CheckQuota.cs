using System.Collections.Concurrent;
using System.Security.Claims;
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
/// At most <see cref="CheckOptions.PerUserPerHour"/> checks per person in any rolling hour, an upload counting as one (it
/// asks Filecheck for credentials; the check that then names that upload does not count again), and at most
/// <see cref="CheckOptions.UploadsInFlightPerUser"/> uploads of one person at once. In memory: a restart forgets, which
/// errs on the side of letting people work.
/// </summary>
public sealed class CheckQuota(IOptions<CheckOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _recent = new();
    private readonly ConcurrentDictionary<string, int> _uploading = new();
    private readonly ConcurrentDictionary<(string User, string FileRef), DateTimeOffset> _paidUploads = new();

    /// <summary>
    /// Starts one upload for the user: a place among their uploads in flight (released when disposed) and one check from
    /// their hour; null with the reason when either is spent.
    /// </summary>
    public IDisposable? TryBeginUpload(string userKey, out string? refusal, out TimeSpan retryAfter)
    {
        var count = _uploading.AddOrUpdate(userKey, 1, static (_, n) => n + 1);
        var slot = new UploadSlot(this, userKey);
        if (count > options.Value.UploadsInFlightPerUser)
        {
            slot.Dispose();
            refusal = $"You already have {options.Value.UploadsInFlightPerUser} uploads on their way. Wait for one to finish, then try again.";
            retryAfter = TimeSpan.FromSeconds(10);
            return null;
        }
        if (!TryTake(userKey, out retryAfter))
        {
            slot.Dispose();
            refusal = $"You have run many checks in the last hour. The next upload can start in {Shell.Format.Duration(retryAfter.Add(TimeSpan.FromSeconds(59)))} or so.";
            return null;
        }
        refusal = null;
        return slot;
    }

    /// <summary>Notes that this upload has paid for its check already.</summary>
    public void Paid(string userKey, string fileRef)
    {
        var now = clock.GetUtcNow();
        // Bounded like the hour itself: a paid upload not checked within the hour is forgotten.
        foreach (var (key, at) in _paidUploads)
        {
            if (now - at >= TimeSpan.FromHours(1)) _paidUploads.TryRemove(key, out _);
        }
        _paidUploads[(userKey, fileRef)] = now;
    }

    /// <summary>The check for an upload this user paid for takes nothing more (once); any other takes one from the hour.</summary>
    public bool TryTakeFor(string userKey, string? uploadedFileRef, out TimeSpan retryAfter)
    {
        if (uploadedFileRef is not null && _paidUploads.TryRemove((userKey, uploadedFileRef), out _))
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }
        return TryTake(userKey, out retryAfter);
    }

    private sealed class UploadSlot(CheckQuota quota, string userKey) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) quota._uploading.AddOrUpdate(userKey, 0, static (_, n) => n - 1);
        }
    }

    /// <summary>Takes one check from the user's hour; when none is left, says when the next one is free.</summary>
    public bool TryTake(string userKey, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        var queue = _recent.GetOrAdd(userKey, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= TimeSpan.FromHours(1)) queue.Dequeue();
            if (queue.Count >= options.Value.PerUserPerHour)
            {
                retryAfter = queue.Peek() + TimeSpan.FromHours(1) - now;
                return false;
            }
            queue.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
