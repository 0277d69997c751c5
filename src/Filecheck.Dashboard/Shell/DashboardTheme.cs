using MudBlazor;

namespace Filecheck.Dashboard.Shell;

public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            AppbarBackground = "#16325c",
            Success = "#1b7f3b",
            Warning = "#b26a00",
            Error = "#c62828",
            Info = "#5e35b1",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7aa7ff",
            Success = "#5cc27d",
            Warning = "#ffb74d",
            Error = "#ff6b6b",
            Info = "#b39ddb",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
