namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// What the dashboard talks to: the configured Filecheck API, or the built-in sandbox started before the host
/// (<see cref="SandboxRun"/>). Registered once by <see cref="SandboxSetup.AddSandbox"/>; other features read this instead of looking for services.
/// </summary>
public sealed record BackendInfo(bool IsSandbox)
{
    /// <summary>The sandbox's settings name its address (<see cref="SandboxRun.UrlKey"/>) when the dashboard runs on it.</summary>
    public static BackendInfo From(IConfiguration configuration) =>
        new(!string.IsNullOrWhiteSpace(configuration[SandboxRun.UrlKey]));
}
