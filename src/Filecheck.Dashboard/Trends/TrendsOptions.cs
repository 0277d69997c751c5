using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Trends;

/// <summary>The <c>Trends</c> section of appsettings.json.</summary>
public sealed class TrendsOptions
{
    public const string Section = "Trends";

    /// <summary>The IANA time zone whose days, weeks and months every chart and CSV counts in (one for the installation).</summary>
    public string TimeZone { get; set; } = "UTC";

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>Names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class TrendsOptionsValidator : IValidateOptions<TrendsOptions>
{
    public ValidateOptionsResult Validate(string? name, TrendsOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.TimeZone)) return ValidateOptionsResult.Fail("Trends:TimeZone must name an IANA time zone, e.g. Europe/Berlin (default UTC).");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _))
            return ValidateOptionsResult.Fail($"Trends:TimeZone \"{o.TimeZone}\" is not a time zone this machine knows (use an IANA ID such as Europe/Berlin).");
        return ValidateOptionsResult.Success;
    }
}
