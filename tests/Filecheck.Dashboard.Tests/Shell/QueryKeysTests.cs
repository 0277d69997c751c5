using CsCheck;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Tests.Fuzz;
using K = Filecheck.Dashboard.Shell.QueryKeys<Filecheck.Dashboard.Tests.Shell.QueryKeysTests.Probe>;

namespace Filecheck.Dashboard.Tests.Shell;

/// <summary>The shared contract of a view in its address, over a view holding one key of every kind.</summary>
public sealed class QueryKeysTests
{
    public sealed record Probe : IAddressView<Probe>
    {
        public string? Text { get; init; }
        public string Choice { get; init; } = "b";
        public bool On { get; init; }
        public bool Desc { get; init; } = true;
        public DateOnly? Day { get; init; }
        public int Page { get; init; } = 1;

        public static QueryKeys<Probe> Keys { get; } = new(
            K.Text("text", s => s.Text, (s, v) => s with { Text = v }),
            K.Choice("choice", ["a", "b", "c"], s => s.Choice, (s, v) => s with { Choice = v }, fallback: "b"),
            K.Flag("on", s => s.On, (s, v) => s with { On = v }),
            K.Flag("desc", s => s.Desc, (s, v) => s with { Desc = v }, text: "0", whenWritten: false),
            K.Date("day", s => s.Day, (s, v) => s with { Day = v }),
            K.Number("page", s => s.Page, (s, v) => s with { Page = v }, accept: p => p is >= 1 and <= 1000, fallback: 1));
    }

    private static readonly Gen<string> Typed = Gen.String[Gen.Char["ab &=#?+%/é中 "], 1, 12];

    private static readonly Gen<Probe> Views =
        from text in Gen.Frequency((1, Gen.Const((string?)null)), (3, Typed.Select(t => (string?)t)))
        from choice in Gen.OneOf("a", "b", "c")
        from isOn in Gen.Bool
        from desc in Gen.Bool
        from day in Gen.Int[-1, 2000]
        from page in Gen.Int[1, 1000]
        select new Probe
        {
            Text = text, Choice = choice, On = isOn, Desc = desc, Page = page,
            Day = day < 0 ? null : QueryText.FirstDate.AddDays(day * 200),
        };

    [Fact]
    public void ToQuery_AnyViewOfEveryKeyKind_ReadsBackAsTheSameView()
    {
        Views.Sample(view =>
        {
            var query = Probe.Keys.ToQuery(view);
            Assert.Equal(view, Probe.Keys.FromQuery(query));
            Assert.Equal(view, Probe.Keys.FromQuery("?" + query));
        }, iter: 2_000);
    }

    [Fact]
    public void FromQuery_HostileQuery_NeverThrows_AndRoundTrips()
    {
        NastyInput.Query("text", "choice", "on", "desc", "day", "page").Sample(query =>
        {
            var view = Probe.Keys.FromQuery(query);
            Assert.Contains(view.Choice, new[] { "a", "b", "c" });
            Assert.InRange(view.Page, 1, 1000);
            Assert.Equal(view, Probe.Keys.FromQuery(Probe.Keys.ToQuery(view)));
        }, iter: 2_000);
        NastyInput.Query("scope").Sample(query =>
        {
            var view = SharesViewState.Keys.FromQuery(query);
            Assert.Equal(view, SharesViewState.Keys.FromQuery(SharesViewState.Keys.ToQuery(view)));
        }, iter: 500);
    }

    [Fact]
    public void ToQuery_DefaultsLeftOut_TheRestInTheTablesOrder()
    {
        Assert.Equal("", Probe.Keys.ToQuery(new Probe()));
        var view = new Probe { Page = 3, Text = "a&b", Desc = false, Day = new DateOnly(2026, 12, 7), Choice = "c", On = true };
        Assert.Equal("text=a%26b&choice=c&on=1&desc=0&day=2026-12-07&page=3", Probe.Keys.ToQuery(view));
        Assert.Equal("/shares?scope=all", Urls.Shares(all: true));
        Assert.Equal("/shares", Urls.Shares());
    }

    [Fact]
    public void FromQuery_UnusableValues_KeepTheDefaults()
    {
        var view = Probe.Keys.FromQuery("?choice=z&on=yes&desc=1&day=2026-13-01&page=0&text=");
        Assert.Equal(new Probe(), view);
    }
}
