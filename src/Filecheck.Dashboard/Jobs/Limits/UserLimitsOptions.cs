using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Jobs.Limits;

/// <summary>
/// The <c>Limits</c> section: per-person requests a minute, keyed on the user's stable ID. The defaults are far above
/// what a person reaches by working (a proofs tab loads dozens of images at once) and well below a runaway script.
/// </summary>
public sealed class UserLimitsOptions
{
    public const string Section = "Limits";

    public int LookupsPerMinute { get; set; } = 120;
    public int ProofsPerMinute { get; set; } = 1200;
    public int DownloadsPerMinute { get; set; } = 60;
    public int RawJsonPerMinute { get; set; } = 60;

    /// <summary>Bytes of proof images held in memory for all requests together (staff and share pages), 64 KB per image streamed.</summary>
    public long ProofBytesInFlight { get; set; } = Runs.CappedImageCopy.DefaultMaxBytesInFlight;
}

internal sealed class UserLimitsOptionsValidator : IValidateOptions<UserLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, UserLimitsOptions o)
    {
        var errors = new List<string>();
        Check(o.LookupsPerMinute, nameof(o.LookupsPerMinute));
        Check(o.ProofsPerMinute, nameof(o.ProofsPerMinute));
        Check(o.DownloadsPerMinute, nameof(o.DownloadsPerMinute));
        Check(o.RawJsonPerMinute, nameof(o.RawJsonPerMinute));
        if (o.ProofBytesInFlight is < Runs.CappedImageCopy.ChunkBytes or > 1024L * 1024 * 1024)
        {
            errors.Add($"{UserLimitsOptions.Section}:ProofBytesInFlight is {o.ProofBytesInFlight}; it must be between 65536 and 1073741824.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(int value, string key)
        {
            if (value is < 1 or > 1_000_000) errors.Add($"{UserLimitsOptions.Section}:{key} must be between 1 and 1000000.");
        }
    }
}
