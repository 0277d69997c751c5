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
    [InlineData("https://FC-Artifacts.s3.amazonaws.com/d/42/proof-1.png", true)]
    [InlineData("https://someone-elses-bucket.s3.amazonaws.com/x.png", false)]
    [InlineData("https://amazonaws.com/x", false)]
    [InlineData("http://fc-artifacts.s3.amazonaws.com/d/42/proof-1.png", false)]
    [InlineData("https://fc-artifacts.s3.amazonaws.com.evil.example/x", false)]
    [InlineData("https://x.fc-artifacts.s3.amazonaws.com/x", false)]
    [InlineData("https://169.254.169.254/latest/meta-data", false)]
    [InlineData("https://127.0.0.1/admin", false)]
    public void IsAllowed_DefaultHosts_OnlyHttpsOnFilechecksBucketHost(string url, bool allowed) =>
        Assert.Equal(allowed, Policy().IsAllowed(new Uri(url)));

    [Fact]
    public void IsAllowed_ConfiguredHosts_ReplaceTheDefault_EachWholeUnlessAWildcard()
    {
        var policy = Policy("files.example.net", "*.cdn.example.org");

        Assert.True(policy.IsAllowed(new Uri("https://files.example.net/p.png")));
        Assert.False(policy.IsAllowed(new Uri("https://cdn.files.example.net/p.png")));
        Assert.True(policy.IsAllowed(new Uri("https://eu.cdn.example.org/p.png")));
        Assert.False(policy.IsAllowed(new Uri("https://cdn.example.org/p.png")));
        Assert.False(policy.IsAllowed(new Uri("https://fc-artifacts.s3.amazonaws.com/p.png")));
    }

    [Theory]
    [InlineData("*.amazonaws.com")]
    [InlineData("amazonaws.com")]
    [InlineData("*.s3.amazonaws.com")]
    [InlineData("*.cloudfront.net")]
    [InlineData("https://fc-artifacts.s3.amazonaws.com/")]
    public void Validate_AHostThatAdmitsEveryonesBucketsOrIsNoHost_FailsNamingTheKey(string entry)
    {
        var result = new ArtifactOptionsValidator().Validate(null, new ArtifactOptions { ArtifactHosts = ["fc-artifacts.s3.amazonaws.com", entry] });

        Assert.True(result.Failed);
        Assert.Contains("Filecheck:ArtifactHosts:1", result.FailureMessage);
    }
}
