using CsCheck;
using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>A pin is a spot of the proof, not of the screen: the same at any size the image is drawn.</summary>
public sealed class PinPositionTests
{
    [Fact]
    public void FromPoint_AnyImageSize_LandsOnTheSameSpotWhenDrawnAtAnotherSize()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Double[0, 1], Gen.Double[1, 20_000], Gen.Double[1, 20_000], Gen.Double[1, 20_000], Gen.Double[1, 20_000])
            .Sample((fx, fy, w1, h1, w2, h2) =>
            {
                var pin = PinPosition.FromPoint(fx * w1, fy * h1, w1, h1);
                var (left, top) = pin.ToPoint(w2, h2);

                Assert.InRange(pin.X, 0, 1);
                Assert.InRange(pin.Y, 0, 1);
                // Within a millionth of a pixel (rounding to 6 places flaked where float error crossed a rounding boundary).
                Assert.Equal(fx * w2, left, tolerance: 1e-6);
                Assert.Equal(fy * h2, top, tolerance: 1e-6);
            });
    }

    [Theory]
    [InlineData(-5, 10, 100, 100, 0, 0.1)]
    [InlineData(130, 250, 100, 200, 1, 1)]
    [InlineData(50, 50, 0, 100, 0.5, 0.5)]
    [InlineData(double.NaN, 50, 100, 100, 0.5, 0.5)]
    public void FromPoint_OutsideOrDegenerate_IsHeldOnTheImage(double px, double py, double w, double h, double x, double y)
    {
        var pin = PinPosition.FromPoint(px, py, w, h);

        Assert.Equal((x, y), (pin.X, pin.Y));
    }

    [Fact]
    public void Move_PastAnEdge_StopsAtTheEdge()
    {
        var pin = new PinPosition(0.99, 0.01).Move(0.05, -0.05);

        Assert.Equal((1d, 0d), (pin.X, pin.Y));
    }

    [Fact]
    public void Left_AnyCulture_IsAPercentWithADot()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal("34.5%", new PinPosition(0.345, 0.6).Left);
            Assert.Equal("60%", new PinPosition(0.345, 0.6).Top);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("0.25", "0.75", true, 0.25, 0.75)]
    [InlineData("0", "1", true, 0.0, 1.0)]
    [InlineData("", "", true, null, null)]
    [InlineData(null, "  ", true, null, null)]
    public void TryParse_NumbersFromZeroToOneOrNone_AreTaken(string? x, string? y, bool ok, double? px, double? py)
    {
        Assert.Equal(ok, PinPosition.TryParse(x, y, out var pin, out _));
        Assert.Equal(px, pin?.X);
        Assert.Equal(py, pin?.Y);
    }

    [Theory]
    [InlineData("1.0001", "0.5", "outside the proof")]
    [InlineData("-0.1", "0.5", "outside the proof")]
    [InlineData("0.5", "2", "outside the proof")]
    [InlineData("NaN", "0.5", "could not be read")]
    [InlineData("Infinity", "0.5", "could not be read")]
    [InlineData("1e400", "0.5", "could not be read")]
    [InlineData("0,5", "0.5", "could not be read")]
    [InlineData("0.5", "", "could not be read")]
    [InlineData("<script>", "0.5", "could not be read")]
    public void TryParse_HostileInput_IsRefusedWithAReason(string x, string y, string reason)
    {
        Assert.False(PinPosition.TryParse(x, y, out var pin, out var error));
        Assert.Null(pin);
        Assert.Contains(reason, error);
    }
}
