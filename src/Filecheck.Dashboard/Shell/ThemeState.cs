namespace Filecheck.Dashboard.Shell;

/// <summary>Per-circuit theme choice.</summary>
public sealed class ThemeState
{
    public bool IsDark { get; set; }
}
