namespace Filecheck.Dashboard.Shell;

/// <summary>
/// Per-circuit theme choice. It starts from the <see cref="CookieName"/> cookie (read by App on the page's first request)
/// and the theme toggle writes that cookie back, so the choice outlives a reload, a new tab and signing out.
/// </summary>
public sealed class ThemeState
{
    public const string CookieName = "fc-theme";
    public const string Dark = "dark";
    public const string Light = "light";

    public bool IsDark { get; set; }

    /// <summary>The theme the request's cookie asks for: dark only for exactly "dark", light for anything else or none.</summary>
    public static bool IsDarkRequested(HttpContext? context) =>
        context?.Request.Cookies[CookieName] == Dark;
}
