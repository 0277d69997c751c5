using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.History;

public partial class SyncAdminPage
{
    private HistoryCounts? _counts;
    private SyncState? _state;
    private Lease? _holder;
    private ITimer? _timer;

    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        if (RendererInfo.IsInteractive)
        {
            _timer = Clock.CreateTimer(_ => _ = TickAsync(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        }
    }

    private async Task RunNowAsync()
    {
        // The page is admin-only; the action checks again, since a circuit can outlive a role.
        await Guard.EnsureAllowedAsync(Policies.Administer);
        // Over the bus: the instance holding the sync lease runs it, whichever one this page is on.
        await Sync.RequestRunAsync();
    }

    private int _refreshing;

    /// <summary>One refresh at a time; a failed one is logged and the next tick tries again.</summary>
    private async Task TickAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            await InvokeAsync(async () => { await RefreshAsync(); StateHasChanged(); });
        }
        catch (ObjectDisposedException)
        {
            // The page went away between two ticks.
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "Refreshing the sync status failed");
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task RefreshAsync()
    {
        _counts = await Reads.CountsAsync();
        _state = await SyncState.GetAsync();
        _holder = await Sync.HolderAsync();
    }

    /// <summary>Which instance runs the sync and since when (one instance on SQLite: this one).</summary>
    private string HolderText(Lease? holder) => holder is null
        ? "no instance yet"
        : $"{holder.Holder}{(holder.Holder == Sync.Instance ? " (this instance)" : "")} since {Format.Time(holder.AcquiredAt)}";

    private static double Percent(HistoryCounts c) => c.Terminal == 0 ? 0 : 100.0 * c.WithDetails / c.Terminal;

    public void Dispose() => _timer?.Dispose();
}
