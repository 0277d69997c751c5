using Filecheck.Dashboard.Jobs.Timeline;
using Microsoft.JSInterop;

namespace Filecheck.Dashboard.Jobs;

/// <summary>Drag-to-zoom on the timeline's axis and the zoom keys; the range lands in the address like any view.</summary>
public partial class JobPage
{
    [JSInvokable]
    public Task OnZoomDrag(double fractionA, double fractionB) => InvokeAsync(() =>
    {
        if (_live.Load?.View?.Job is not { } job || JobTabs.Normalize(State.Tab) != JobTabs.Timeline) return;
        if (TimelineZoom.FromDrag(Timeline(job), fractionA, fractionB) is { } range) Go(State with { From = range.From, To = range.To, ZoomFile = null });
    });

    [JSInvokable]
    public Task OnZoomKey(string key) => InvokeAsync(() =>
    {
        if (_live.Load?.View?.Job is not { } job || JobTabs.Normalize(State.Tab) != JobTabs.Timeline) return;
        var shown = Timeline(job);
        var whole = JobTimeline.Build(job, Now);
        var range = TimelineZoom.ForKey(shown, whole, key);
        // Applied at once: keys pressed quickly each build on the last, before the address has caught up.
        State = range is { } r ? State with { From = r.From, To = r.To, ZoomFile = null } : State with { From = null, To = null, ZoomFile = null };
        Go(State, replace: true);
    });
}
