using Filecheck.Api;
using Filecheck.Dashboard.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Sandbox;

/// <summary>The built-in sandbox starts only in Development with no Filecheck:BaseUrl; elsewhere a missing URL is an error.</summary>
public sealed class SandboxModeTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task AddSandbox_OutsideDevelopmentWithoutABaseUrl_StartsNoSandboxAndNamesTheKey(string environment)
    {
        using var host = await BuildAsync(environment, []);

        Assert.False(host.Services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Empty(host.Services.GetServices<SandboxRun>());
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<FilecheckOptions>>().Value);
        Assert.Contains("Filecheck:BaseUrl", error.Message);
        Assert.Contains($"'{environment}'", error.Message);
    }

    [Fact]
    public async Task AddSandbox_InDevelopmentWithoutABaseUrl_IsTheSandbox()
    {
        using var host = await BuildAsync("Development", []);

        Assert.True(host.Services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Single(host.Services.GetServices<SandboxRun>());
    }

    [Fact]
    public async Task AddSandbox_InDevelopment_StartedBeforeTheHostAndHandedOverAsSettings_NoOtherOptionsPostConfigured()
    {
        using var host = await BuildAsync("Development", []);
        var run = host.Services.GetRequiredService<SandboxRun>();
        var configuration = host.Services.GetRequiredService<IConfiguration>();

        // Already answering when the host was built, and read by the client as any setting.
        Assert.Equal(run.Server.BaseAddress, host.Services.GetRequiredService<IOptions<FilecheckOptions>>().Value.BaseUrl);
        Assert.Equal(run.Server.BaseAddress.ToString(), configuration[SandboxRun.UrlKey]);
        Assert.Equal(run.DatabaseFile, configuration[Filecheck.Dashboard.Data.StoreOptions.DatabasePathKey]);
        Assert.Empty(host.Services.GetServices<IPostConfigureOptions<FilecheckOptions>>());
        Assert.Empty(host.Services.GetServices<IPostConfigureOptions<Filecheck.Dashboard.Data.StoreOptions>>());
        Assert.Empty(host.Services.GetServices<IPostConfigureOptions<Filecheck.Dashboard.History.HistoryOptions>>());
        Assert.Empty(host.Services.GetServices<IPostConfigureOptions<Filecheck.Dashboard.Jobs.Runs.ArtifactOptions>>());
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task AddSandbox_WithABaseUrl_IsNoSandboxAnywhere(string environment)
    {
        using var host = await BuildAsync(environment, new()
        {
            ["Filecheck:BaseUrl"] = "https://api.filecheck.example/",
            ["Filecheck:ApiKey"] = "sk_test_mode_0123456789",
        });

        Assert.False(host.Services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Empty(host.Services.GetServices<SandboxRun>());
        Assert.Equal(new Uri("https://api.filecheck.example/"), host.Services.GetRequiredService<IOptions<FilecheckOptions>>().Value.BaseUrl);
    }

    private static async Task<IHost> BuildAsync(string environment, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Sandbox:JobCount"] = "20";
        builder.Configuration["History:DatabasePath"] = Filecheck.Testing.TempStore.NewDatabasePath("fc-mode-");
        // As Program does: started before the host is built, only where it is wanted.
        await builder.StartSandboxIfWantedAsync();
        builder.AddSandbox();
        return builder.Build();
    }
}
