using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Filecheck.Api.Tests;

public sealed class OptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFilecheckClient(configuration);
        return services.BuildServiceProvider();
    }

    private static void RunStartupValidation(ServiceProvider provider) =>
        provider.GetRequiredService<IStartupValidator>().Validate();

    [Fact]
    public void Validate_BaseUrlWithoutApiKey_FailsNamingTheKeyAndHowToSetIt()
    {
        using var provider = Build(new() { ["Filecheck:BaseUrl"] = "https://api.filecheck.io/" });

        var ex = Assert.Throws<OptionsValidationException>(() => RunStartupValidation(provider));

        var message = string.Join("\n", ex.Failures);
        Assert.Contains("Filecheck:ApiKey", message);
        Assert.Contains("dotnet user-secrets set \"Filecheck:ApiKey\"", message);
        Assert.Contains("Filecheck__ApiKey", message);
    }

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("ftp://api.filecheck.io/")]
    [InlineData("file:///etc/passwd")]
    public void Validate_BaseUrlNotHttp_FailsNamingBaseUrl(string baseUrl)
    {
        using var provider = Build(new() { ["Filecheck:BaseUrl"] = baseUrl, ["Filecheck:ApiKey"] = "sk_test_abc" });

        var ex = Assert.Throws<OptionsValidationException>(() => RunStartupValidation(provider));

        Assert.Contains(ex.Failures, f => f.Contains("Filecheck:BaseUrl"));
    }

    [Theory]
    [InlineData("http://api.filecheck.io/")]
    [InlineData("http://10.0.0.5:8080/")]
    [InlineData("http://localhost.evil.example/")]
    [InlineData("http://128.0.0.1/")]
    public void Validate_HttpBaseUrlNotLoopback_FailsNamingBaseUrlAndHttps(string baseUrl)
    {
        using var provider = Build(new() { ["Filecheck:BaseUrl"] = baseUrl, ["Filecheck:ApiKey"] = "sk_test_abc" });

        var ex = Assert.Throws<OptionsValidationException>(() => RunStartupValidation(provider));

        Assert.Contains(ex.Failures, f => f.Contains("Filecheck:BaseUrl") && f.Contains("https://"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5999/")]
    [InlineData("http://127.10.20.30/")]
    [InlineData("http://[::1]:5999/")]
    [InlineData("http://localhost:5999/")]
    [InlineData("http://LOCALHOST/")]
    [InlineData("https://api.filecheck.io/")]
    public void Validate_HttpsOrLoopbackBaseUrl_Passes(string baseUrl)
    {
        using var provider = Build(new() { ["Filecheck:BaseUrl"] = baseUrl, ["Filecheck:ApiKey"] = "sk_test_abc" });

        RunStartupValidation(provider);
    }

    [Fact]
    public void Validate_TotalTimeoutShorterThanTimeout_Fails()
    {
        using var provider = Build(new()
        {
            ["Filecheck:BaseUrl"] = "https://api.filecheck.io/", ["Filecheck:ApiKey"] = "sk_test_abc",
            ["Filecheck:Timeout"] = "00:00:20", ["Filecheck:TotalTimeout"] = "00:00:05",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => RunStartupValidation(provider));

        Assert.Contains(ex.Failures, f => f.Contains("Filecheck:TotalTimeout"));
    }

    [Fact]
    public void Bind_FullSection_ReadsEverySettingAndValidates()
    {
        using var provider = Build(new()
        {
            ["Filecheck:BaseUrl"] = "https://api.filecheck.io/",
            ["Filecheck:ApiKey"] = "sk_test_abc",
            ["Filecheck:Timeout"] = "00:00:04",
            ["Filecheck:TotalTimeout"] = "00:00:12",
            ["Filecheck:MaxRetries"] = "3",
            ["Filecheck:RetryBaseDelay"] = "00:00:00.250",
        });

        RunStartupValidation(provider);
        var options = provider.GetRequiredService<IOptions<FilecheckOptions>>().Value;

        Assert.Equal(new Uri("https://api.filecheck.io/"), options.BaseUrl);
        Assert.Equal("sk_test_abc", options.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(4), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(12), options.TotalTimeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RetryBaseDelay);
        Assert.DoesNotContain("sk_test_abc", options.ToString());
    }

    [Fact]
    public void Defaults_MatchTheDocumentedValues()
    {
        var options = new FilecheckOptions();

        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TotalTimeout);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryBaseDelay);
    }

    [Fact]
    public void Validate_NothingConfigured_Passes()
    {
        // Without a BaseUrl the dashboard may wire the in-process sandbox later; that is not an error at start.
        using var provider = Build(new());

        RunStartupValidation(provider);
    }

    [Fact]
    public async Task AddFilecheckClient_PostConfiguredBaseUrl_IsReadWhenTheClientIsCreated()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent(Fixtures.Read("job.runs.json")),
        });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFilecheckClient(_ => { }).ConfigurePrimaryHttpMessageHandler(() => handler);
        // As the dashboard does after starting the sandbox: the address is only known at run time.
        services.PostConfigure<FilecheckOptions>(o =>
        {
            o.BaseUrl = new Uri("http://127.0.0.1:5999/api");
            o.ApiKey = "sk_test_late";
        });
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IFilecheckClient>().GetRunsAsync(JobId.Parse("job_abc"));

        Assert.True(result.IsSuccess, result.Failure?.ToString());
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:5999/api/jobs/job_abc?expand=runs", request.RequestUri!.ToString());
        Assert.Equal("Bearer sk_test_late", request.Headers.Authorization!.ToString());
    }
}
