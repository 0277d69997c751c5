using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// A page whose whole view lives in its address: <see cref="State"/> is read with the view's <see cref="QueryKeys{TState}"/>
/// at first and again whenever the query string changes while the page stays (no placeholder
/// <c>[SupplyParameterFromQuery]</c> properties), then <see cref="LoadViewAsync"/> runs. The newest address always wins:
/// a new one cancels the load still running for an older one, whose answer is then dropped.
/// </summary>
public abstract class AddressPage<TState> : ComponentBase, IAsyncDisposable where TState : IAddressView<TState>, new()
{
    private string _path = "";
    private string _query = "";
    private CancellationTokenSource? _loading;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>The view the address asks for; a page may set the view it is going to before its address catches up.</summary>
    protected TState State { get; set; } = new();

    /// <summary>
    /// Loads what the view shows. Called on the renderer for each new address; keep what it read only while
    /// <paramref name="ct"/> is not cancelled (then a newer address has taken over).
    /// </summary>
    protected virtual Task LoadViewAsync(CancellationToken ct) => Task.CompletedTask;

    protected override Task OnInitializedAsync()
    {
        Navigation.LocationChanged += OnLocationChanged;
        return ReloadAsync();
    }

    /// <summary>Reads the view from the address as it is now, without loading (a route parameter changed the path).</summary>
    protected void ReadAddress()
    {
        var uri = new Uri(Navigation.Uri);
        _path = uri.AbsolutePath;
        _query = uri.Query;
        State = TState.Keys.FromQuery(_query);
    }

    private async Task ReloadAsync()
    {
        _loading?.Cancel();
        var mine = _loading = new CancellationTokenSource();
        try
        {
            ReadAddress();
            await LoadViewAsync(mine.Token);
        }
        catch (OperationCanceledException) when (mine.IsCancellationRequested)
        {
            // A newer address took over; its own load shows the page.
        }
        finally
        {
            if (_loading == mine) _loading = null;
            mine.Dispose();
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(async () =>
    {
        var uri = new Uri(Navigation.Uri);
        // Leaving for another page is not a change of this one's view.
        if (uri.AbsolutePath != _path || uri.Query == _query) return;
        try
        {
            await ReloadAsync();
            StateHasChanged();
        }
        catch (Exception failure)
        {
            await DispatchExceptionAsync(failure);
        }
    });

    public async ValueTask DisposeAsync()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _loading?.Cancel();
        await DisposeViewAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>What the page itself lets go of when it closes.</summary>
    protected virtual ValueTask DisposeViewAsync() => ValueTask.CompletedTask;
}
