namespace Filecheck.Dashboard.Sandbox;

/// <summary>
/// What the dashboard talks to: the configured Filecheck API, or the built-in sandbox when none is configured in Development.
/// Registered once by <see cref="SandboxSetup.AddSandbox"/>; other features read this instead of looking for services.
/// </summary>
public sealed record BackendInfo(bool IsSandbox)
{
    /// <summary>No <c>Filecheck:BaseUrl</c> in Development means the built-in sandbox; outside Development it never starts.</summary>
    public static BackendInfo From(IConfiguration configuration, IHostEnvironment environment) =>
        new(environment.IsDevelopment() && string.IsNullOrWhiteSpace(configuration[$"{Filecheck.Api.FilecheckOptions.SectionName}:BaseUrl"]));
}
