using Filecheck.Sandbox;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Sandbox;

/// <summary>The <c>Sandbox</c> section: names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public const string Section = "Sandbox";

    public ValidateOptionsResult Validate(string? name, SandboxOptions o)
    {
        var errors = new List<string>();
        if (o.JobCount is < 0 or > 1_000_000) errors.Add($"{Section}:JobCount is {o.JobCount}; it must be between 0 and 1000000.");
        if (o.Days < 1) errors.Add($"{Section}:Days is {o.Days}; it must be at least 1.");
        if (o.Port is < 0 or > 65535) errors.Add($"{Section}:Port is {o.Port}; it must be between 0 (any free port) and 65535.");
        if (o.RunningJobs < 0) errors.Add($"{Section}:RunningJobs is {o.RunningJobs}; it must not be negative.");
        if (o.SignedUrlLifetime <= TimeSpan.Zero) errors.Add($"{Section}:SignedUrlLifetime must be positive.");
        if (o.NewJobEvery is { } every && every <= TimeSpan.Zero) errors.Add($"{Section}:NewJobEvery must be positive (or empty for none).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
