using Filecheck.Api;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Tests.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Filecheck.Dashboard.Data;

namespace Filecheck.Dashboard.Tests.Sandbox;

/// <summary>The sandbox mode reaches the other features through their settings, not through the order of Program.cs.</summary>
public sealed class FeatureOrderTests
{
    private static readonly Action<IHostApplicationBuilder>[] ProgramOrder =
        [b => b.AddStore(), b => b.AddShell(), b => b.AddAccess(), b => b.AddSandbox(), b => b.AddJobs(), b => b.AddHistory()];

    // History and Jobs before the sandbox: the order that once wrote generated jobs into the real history file.
    private static readonly Action<IHostApplicationBuilder>[] ReverseOrder = [.. ProgramOrder.Reverse()];

    public static TheoryData<string> Orders => new() { nameof(ProgramOrder), nameof(ReverseOrder) };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task AddFeatures_AnyOrder_SandboxGetsItsOwnHistoryFileWebhooksAndArtifacts(string order)
    {
        using var temp = new TempStore();
        await using var app = await BuildAsync(order == nameof(ProgramOrder) ? ProgramOrder : ReverseOrder, temp.File);
        var services = app.Services;

        var sandbox = services.GetRequiredService<SandboxRun>();
        var history = services.GetRequiredService<IOptions<HistoryOptions>>().Value;
        var store = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        await services.GetRequiredService<StoreMigrator>().EnsureReadyAsync();

        Assert.True(services.GetRequiredService<BackendInfo>().IsSandbox);
        // Generated jobs live in a file of their own, never in the configured one.
        Assert.Equal(Path.ChangeExtension(temp.File, ".sandbox.db"), store.DatabasePath);
        Assert.True(File.Exists(store.DatabasePath));
        Assert.False(File.Exists(temp.File));
        // The client talks to the sandbox; the sandbox posts webhooks with the secrets the intake expects.
        var client = services.GetRequiredService<IOptions<FilecheckOptions>>().Value;
        Assert.Equal(sandbox.Server.BaseAddress, client.BaseUrl);
        Assert.False(string.IsNullOrEmpty(history.Webhooks.Secret));
        Assert.Equal(history.Webhooks.Secret, sandbox.Options.WebhookHeaders[history.Webhooks.SecretHeader]);
        Assert.Equal(history.Webhooks.SigningSecret, sandbox.Options.WebhookSigningSecret);
        // Proofs come from the sandbox and nowhere else.
        var policy = services.GetRequiredService<ArtifactUrlPolicy>();
        Assert.True(policy.IsAllowed(new Uri(sandbox.Server.BaseAddress, "files/proof.png")));
        Assert.False(policy.IsAllowed(new Uri("https://fc-artifacts.s3.amazonaws.com/p.png")));
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task AddFeatures_AnyOrderWithABaseUrl_UsesTheConfiguredFileAndNoSandbox(string order)
    {
        using var temp = new TempStore();
        await using var app = await BuildAsync(order == nameof(ProgramOrder) ? ProgramOrder : ReverseOrder, temp.File,
            ("Filecheck:BaseUrl", "https://api.filecheck.example/"), ("Filecheck:ApiKey", "sk_test_order"));
        var services = app.Services;

        await services.GetRequiredService<StoreMigrator>().EnsureReadyAsync();

        Assert.False(services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Equal(temp.File, services.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath);
        Assert.True(File.Exists(temp.File));
        Assert.Empty(services.GetServices<SandboxRun>());
        Assert.True(services.GetRequiredService<ArtifactUrlPolicy>().IsAllowed(new Uri("https://fc-artifacts.s3.amazonaws.com/p.png")));
    }

    private static async Task<WebApplication> BuildAsync(Action<IHostApplicationBuilder>[] features, string databaseFile, params (string Key, string Value)[] extra)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = DashboardPaths.FindRepositoryRoot(),
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:JobCount"] = "20",
            ["History:DatabasePath"] = databaseFile,
            ["History:Sync:Enabled"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        // As Program does: the sandbox first, handed to the features as settings, whatever their order.
        await builder.StartSandboxIfWantedAsync();
        foreach (var add in features) add(builder);
        return builder.Build();
    }
}
