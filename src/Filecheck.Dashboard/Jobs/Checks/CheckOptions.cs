using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>New checks from the dashboard (<c>Checks</c> section).</summary>
public sealed class CheckOptions
{
    public const string Section = "Checks";

    /// <summary>Checks one person may submit in an hour: guards against runaway clicks, not against work.</summary>
    public int PerUserPerHour { get; set; } = 30;

    /// <summary>Uploads one person may have on their way to Filecheck at once.</summary>
    public int UploadsInFlightPerUser { get; set; } = 2;

    /// <summary>The largest file the dashboard passes on; Filecheck's own limit is 500 MB.</summary>
    public long MaxUploadBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>How long one upload to Filecheck's storage may take before it is given up.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class CheckOptionsValidator : IValidateOptions<CheckOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckOptions o)
    {
        var failures = new List<string>();
        if (o.PerUserPerHour is < 1 or > 10_000) failures.Add($"{CheckOptions.Section}:PerUserPerHour must be between 1 and 10000 (was {o.PerUserPerHour}).");
        if (o.UploadsInFlightPerUser is < 1 or > 100) failures.Add($"{CheckOptions.Section}:UploadsInFlightPerUser must be between 1 and 100 (was {o.UploadsInFlightPerUser}).");
        if (o.MaxUploadBytes is < 1 or > 500L * 1024 * 1024) failures.Add($"{CheckOptions.Section}:MaxUploadBytes must be between 1 and 524288000, Filecheck's limit (was {o.MaxUploadBytes}).");
        if (o.UploadTimeout <= TimeSpan.Zero) failures.Add($"{CheckOptions.Section}:UploadTimeout must be more than zero.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
