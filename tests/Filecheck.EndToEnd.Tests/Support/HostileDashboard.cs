using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.EndToEnd.Tests.Reliability;
using Filecheck.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Filecheck.EndToEnd.Tests.Support;

/// <summary>
/// The dashboard pointed at <see cref="HostileApi"/> through its real client over HTTP (<c>Filecheck:BaseUrl</c>), with
/// every log line captured and <see cref="ComponentFaults"/> in its component activator. No background sync: the history
/// holds what the pages looked up.
/// </summary>
public sealed class HostileDashboard : IAsyncLifetime
{
    public const string Key = "sk_test_hostile_3f9c1d7e5a2b4c6d8e0f";

    public HostileApi Api { get; private set; } = default!;
    public DashboardHost Host { get; private set; } = default!;
    public LogCapture Logs { get; } = new();
    public ComponentFaults Faults { get; } = new();

    public async Task InitializeAsync()
    {
        Api = await HostileApi.StartAsync();
        Host = new DashboardHost(new()
        {
            ["Filecheck:BaseUrl"] = Api.BaseAddress.ToString(),
            ["Filecheck:ApiKey"] = Key,
            ["History:Sync:Enabled"] = "false",
        }, web => web
            .ConfigureLogging(logging => Logs.AddTo(logging))
            .ConfigureServices(services =>
            {
                ComponentFaults.AddTo(services, Faults);
                // Proofs and downloads come from the hostile API's own address (plain http on loopback), as in sandbox mode.
                services.PostConfigure<ArtifactOptions>(o => o.OnlyOrigin = Api.BaseAddress);
            }));
        Host.Start();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Api.DisposeAsync();
    }
}
