using System.Globalization;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// Where a comment is pinned on a proof, in fractions of the image's width and height (0..1): the same spot at any size
/// the image is drawn, on a phone or a wide screen. Parsed from a form with a reason a person can read.
/// </summary>
public readonly record struct PinPosition(double X, double Y)
{
    /// <summary>A click or tap at (<paramref name="px"/>, <paramref name="py"/>) pixels on an image drawn <paramref name="width"/> by
    /// <paramref name="height"/>; a point just outside (a border, a rounding) is held to the edge.</summary>
    public static PinPosition FromPoint(double px, double py, double width, double height)
    {
        if (!(width > 0) || !(height > 0) || !double.IsFinite(width) || !double.IsFinite(height)) return new(0.5, 0.5);
        return new(Clamp(px / width), Clamp(py / height));
    }

    /// <summary>The pin's spot in pixels on the image drawn at this size.</summary>
    public (double Left, double Top) ToPoint(double width, double height) => (X * width, Y * height);

    /// <summary>Moved by a key press: <paramref name="step"/> of the image per press, never off it.</summary>
    public PinPosition Move(double dx, double dy) => new(Clamp(X + dx), Clamp(Y + dy));

    /// <summary>The CSS <c>left</c>/<c>top</c> of the pin: a percentage, so the browser keeps it in place as the image scales.</summary>
    public string Left => Percent(X);

    public string Top => Percent(Y);

    /// <summary>"34 % across, 60 % down", for a screen reader and the staff's list.</summary>
    public string Describe() =>
        $"{Math.Round(X * 100).ToString(CultureInfo.InvariantCulture)} % across, {Math.Round(Y * 100).ToString(CultureInfo.InvariantCulture)} % down";

    /// <summary>Both empty: no pin (a comment on the whole proof). Otherwise both must be numbers from 0 to 1.</summary>
    public static bool TryParse(string? x, string? y, out PinPosition? pin, out string? error)
    {
        pin = null;
        error = null;
        if (string.IsNullOrWhiteSpace(x) && string.IsNullOrWhiteSpace(y)) return true;
        if (x is not { Length: <= 32 } || y is not { Length: <= 32 }
            || !double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var fx)
            || !double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var fy)
            || !double.IsFinite(fx) || !double.IsFinite(fy))
        {
            error = "The pin's position could not be read. Click the proof again where the comment belongs.";
            return false;
        }
        if (fx is < 0 or > 1 || fy is < 0 or > 1)
        {
            error = "The pin is outside the proof. Click the proof where the comment belongs.";
            return false;
        }
        pin = new PinPosition(fx, fy);
        return true;
    }

    private static double Clamp(double v) => double.IsNaN(v) ? 0.5 : Math.Clamp(v, 0, 1);

    private static string Percent(double v) => (v * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
