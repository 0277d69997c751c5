using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>Where the store lives. The key keeps the name it always had (<c>History:DatabasePath</c>), so settings still apply.</summary>
public sealed class StoreOptions
{
    public const string Section = "History";
    public const string DatabasePathKey = Section + ":DatabasePath";

    /// <summary>The SQLite file; relative paths are under the content root (the repository root when run from source).</summary>
    public string DatabasePath { get; set; } = "data/filecheck-dashboard.db";
}

/// <summary>Names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions o) => string.IsNullOrWhiteSpace(o.DatabasePath)
        ? ValidateOptionsResult.Fail($"{StoreOptions.DatabasePathKey} must name a file.")
        : ValidateOptionsResult.Success;
}
