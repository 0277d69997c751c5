using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Filecheck.Dashboard.Shell;

/// <summary>
/// A place on a page where other parts plug in their components (rendered by <see cref="SlotView"/>). The part whose
/// page renders it owns it and says which parameters it passes; a plugged component declares exactly those.
/// </summary>
public sealed record Slot(string Name);

/// <summary>A component a part plugs into a slot; lower <see cref="Order"/> first.</summary>
public sealed record SlotItem(Slot Slot, Type Component, int Order);

/// <summary>A link in the navigation menu, shown to whoever meets <see cref="Policy"/>; lower <see cref="Order"/> first.</summary>
public sealed record NavEntry(string Text, string Href, string Icon, string Policy, int Order, NavLinkMatch Match = NavLinkMatch.Prefix, string? TestId = null);

/// <summary>The layout's own slots (<c>MainLayout</c>): what every page shows around its body.</summary>
public static class LayoutSlots
{
    /// <summary>Before the layout: providers and listeners with no place on screen. No parameters.</summary>
    public static readonly Slot Top = new("layout/top");

    /// <summary>In the app bar, after the title. No parameters.</summary>
    public static readonly Slot AppBar = new("layout/app-bar");

    /// <summary>At the app bar's end (who is signed in). No parameters.</summary>
    public static readonly Slot AppBarEnd = new("layout/app-bar-end");

    /// <summary>At the top of the navigation drawer. No parameters.</summary>
    public static readonly Slot Drawer = new("layout/drawer");

    /// <summary>Above every page's body. No parameters.</summary>
    public static readonly Slot MainTop = new("layout/main-top");
}

public static class SlotRegistration
{
    /// <summary>Plugs <typeparamref name="TComponent"/> into <paramref name="slot"/>; called from the contributing part's <c>AddX</c>.</summary>
    public static IServiceCollection AddToSlot<TComponent>(this IServiceCollection services, Slot slot, int order = 0) where TComponent : IComponent =>
        services.AddSingleton(new SlotItem(slot, typeof(TComponent), order));

    /// <summary>Adds a link to the navigation menu; called from the part that owns the page.</summary>
    public static IServiceCollection AddNavEntry(this IServiceCollection services, NavEntry entry) => services.AddSingleton(entry);
}
