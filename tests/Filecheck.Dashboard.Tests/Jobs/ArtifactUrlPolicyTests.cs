using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Jobs;

public sealed class ArtifactUrlPolicyTests
{
    private static ArtifactUrlPolicy Policy(params string[] hosts)
    {
        var values = hosts.Select((h, i) => new KeyValuePair<string, string?>($"Filecheck:ArtifactHosts:{i}", h));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        // The feature's own wiring binds Filecheck:ArtifactHosts.
        using var services = new ServiceCollection().AddJobs(configuration).BuildServiceProvider();
        return new ArtifactUrlPolicy(Options.Create(services.GetRequiredService<IOptions<ArtifactOptions>>().Value));
    }

    [Theory]
    [InlineData("https://fc-artifacts.s3.amazonaws.com/d/42/proof-1.png?X-Amz-Signature=x", true)]
    [InlineData("https://amazonaws.com/x", true)]
    [InlineData("http://fc-artifacts.s3.amazonaws.com/d/42/proof-1.png", false)]
    [InlineData("https://amazonaws.com.evil.example/x", false)]
    [InlineData("https://evilamazonaws.com/x", false)]
    [InlineData("https://169.254.169.254/latest/meta-data", false)]
    [InlineData("https://127.0.0.1/admin", false)]
    public void IsAllowed_DefaultHosts_OnlyHttpsOnTheArtifactStore(string url, bool allowed) =>
        Assert.Equal(allowed, Policy().IsAllowed(new Uri(url)));

    [Fact]
    public void IsAllowed_ConfiguredHosts_ReplaceTheDefault()
    {
        var policy = Policy("files.example.net");

        Assert.True(policy.IsAllowed(new Uri("https://cdn.files.example.net/p.png")));
        Assert.False(policy.IsAllowed(new Uri("https://fc-artifacts.s3.amazonaws.com/p.png")));
    }
}
