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
            // 5.6:1 against white both ways (a filled chip's white text, an outlined chip's text on the page).
            Warning = "#965a00",
            // Muted text ("muted", helper text) at 7:1 on white instead of MudBlazor's 54% black.
            TextSecondary = "#595959",
            Error = "#c62828",
            Info = "#5e35b1",
        },
        // Dark: every colour at 4.5:1 or more as text on the background and the surfaces, with dark text on filled
        // buttons and chips; MudBlazor's computed "darken" shades (outlined alerts and chips) are set to the colour itself.
        PaletteDark = new PaletteDark
        {
            Primary = "#8fb5ff",
            PrimaryDarken = "#8fb5ff",
            PrimaryContrastText = "#0b1a33",
            Success = "#5cc27d",
            SuccessDarken = "#5cc27d",
            SuccessContrastText = "#062a12",
            Warning = "#ffb74d",
            WarningDarken = "#ffb74d",
            WarningContrastText = "#2b1a00",
            Error = "#ff8a80",
            ErrorDarken = "#ff8a80",
            ErrorContrastText = "#2d0606",
            Info = "#c5b3e6",
            InfoDarken = "#c5b3e6",
            InfoContrastText = "#1d1233",
            // Muted text at 4.5:1 or more on the dark background and surfaces.
            TextSecondary = "rgba(255,255,255,0.72)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
