using Filecheck.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace Filecheck.Dashboard.Tests.History;

/// <summary>
/// A real sandbox over HTTP whose clock stands still and where no new jobs arrive, so a test knows exactly which jobs
/// exist and that none changes status while it runs.
/// </summary>
public abstract class FrozenSandbox(int jobCount) : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = default!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { JobCount = jobCount, Seed = 5, Clock = Clock, NewJobEvery = null });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class SmallSandbox() : FrozenSandbox(300);

public sealed class LargeSandbox() : FrozenSandbox(20_000);
