namespace Filecheck.Dashboard.Shell;

/// <summary>The health endpoints, and the tag a part gives a check that must pass before the instance takes traffic.</summary>
public static class HealthTags
{
    /// <summary>A check with this tag runs on <see cref="ReadyPath"/> (the store's; the bus's where there is one).</summary>
    public const string Ready = "ready";

    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
}
