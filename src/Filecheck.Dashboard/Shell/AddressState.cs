using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// Calls back when the address's query string changes while the same page stays: a page whose whole view lives in its
/// address (parsed by its own <c>FromQuery</c>) reloads from it, with no placeholder <c>[SupplyParameterFromQuery]</c>
/// properties to make Blazor re-render it. The callback handles its own failures (a page passes them to
/// <c>DispatchExceptionAsync</c>, so its error boundary shows them). Dispose it with the page.
/// </summary>
public sealed class AddressState : IDisposable
{
    private readonly NavigationManager _navigation;
    private readonly Func<string, Task> _changed;
    private readonly string _path;
    private string _query;

    public AddressState(NavigationManager navigation, Func<string, Task> changed)
    {
        _navigation = navigation;
        _changed = changed;
        _path = new Uri(navigation.Uri).AbsolutePath;
        _query = Query;
        navigation.LocationChanged += OnLocationChanged;
    }

    /// <summary>The current query string, with its leading '?' (empty when none).</summary>
    public string Query => new Uri(_navigation.Uri).Query;

    private async void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        // Leaving for another page is not a change of this one's view.
        if (new Uri(e.Location).AbsolutePath != _path) return;
        var query = Query;
        if (query == _query) return;
        _query = query;
        await _changed(query);
    }

    public void Dispose() => _navigation.LocationChanged -= OnLocationChanged;
}
