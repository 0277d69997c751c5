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
    public void AddSandbox_OutsideDevelopmentWithoutABaseUrl_StartsNoSandboxAndNamesTheKey(string environment)
    {
        using var host = Build(environment, []);

        Assert.False(host.Services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Empty(host.Services.GetServices<SandboxLauncher>());
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<FilecheckOptions>>().Value);
        Assert.Contains("Filecheck:BaseUrl", error.Message);
        Assert.Contains($"'{environment}'", error.Message);
    }

    [Fact]
    public void AddSandbox_InDevelopmentWithoutABaseUrl_IsTheSandbox()
    {
        using var host = Build("Development", []);

        Assert.True(host.Services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Single(host.Services.GetServices<SandboxLauncher>());
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public void AddSandbox_WithABaseUrl_IsNoSandboxAnywhere(string environment)
    {
        using var host = Build(environment, new()
        {
            ["Filecheck:BaseUrl"] = "https://api.filecheck.example/",
            ["Filecheck:ApiKey"] = "sk_test_mode_0123456789",
        });

        Assert.False(host.Services.GetRequiredService<BackendInfo>().IsSandbox);
        Assert.Empty(host.Services.GetServices<SandboxLauncher>());
        Assert.Equal(new Uri("https://api.filecheck.example/"), host.Services.GetRequiredService<IOptions<FilecheckOptions>>().Value.BaseUrl);
    }

    private static IHost Build(string environment, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSandbox();
        return builder.Build();
    }
}
