using System.Text.Json;
using System.Text.RegularExpressions;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Api;
using Microsoft.Extensions.DependencyInjection;

using Filecheck.Dashboard.Tests.Support;

namespace Filecheck.Dashboard.Tests.Trends;

public sealed partial class ReasonTextTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    /// <summary>The vendor's checks, copied beside the test assembly from the repository's <c>spec/filecheck/</c>.</summary>
    private static readonly string ChecksFile = Path.Combine(AppContext.BaseDirectory, "spec", "filecheck", "preflight-checks.json");

    [GeneratedRegex(@"\{([A-Za-z_.]+)\}")]
    private static partial Regex Placeholder();

    public static TheoryData<string, string> VendorIssues()
    {
        var data = new TheoryData<string, string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(ChecksFile));
        foreach (var check in doc.RootElement.GetProperty("checks").EnumerateArray())
        {
            if (check.TryGetProperty("issue", out var issue) && issue.GetString() is { Length: > 0 } text)
                data.Add(check.GetProperty("check").GetString()!, text);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VendorIssues))]
    public void Normalize_VendorMessageFilledWithDifferentValues_CountsAsOneReason(string check, string issue)
    {
        // As a customer reads it: the docs' backticks dropped, each placeholder filled, once with numbers and once with words.
        var first = Placeholder().Replace(issue, m => "12").Replace("`", "");
        var second = Placeholder().Replace(issue, m => m.Groups[1].Value.Contains("name") || m.Groups[1].Value.Contains("font") ? "Helvetica, PANTONE 186 C" : "3.5").Replace("`", "");
        var a = ReasonText.Normalize(first);
        var b = ReasonText.Normalize(second);
        Assert.False(string.IsNullOrWhiteSpace(a), check);
        Assert.Equal(a, b);
        Assert.DoesNotContain("12", a);
        // A "(+2 more)" tail, as the sandbox writes when a step found several issues, changes nothing.
        Assert.Equal(a, ReasonText.Normalize(first + " (+2 more)"));
    }

    [Theory]
    [InlineData("Image on page 3 is 150 dpi", "Image on page 7 is 96 dpi")]
    [InlineData("Font Helvetica not embedded in flyer_a5.pdf", "Font Helvetica not embedded in Business-Card_v2.PDF")]
    [InlineData("Processing timed out after 300 s", "Processing timed out after 120 s")]
    [InlineData("Source file could not be downloaded (HTTP 404)", "Source file could not be downloaded (HTTP 403)")]
    [InlineData("TrimBox is missing on page 1", "TrimBox is missing on pages 2-4")]
    public void Normalize_MessagesDifferingInNumbersPagesAndFileNames_AreTheSame(string one, string other)
    {
        Assert.Equal(ReasonText.Normalize(one), ReasonText.Normalize(other));
    }

    [Theory]
    [InlineData("Image on page 3 is 150 dpi", "Font Helvetica not embedded")]
    [InlineData("The file is password-protected and could not be opened", "The file is damaged and could not be parsed (broken xref table)")]
    public void Normalize_DifferentProblems_StayApart(string one, string other)
    {
        Assert.NotEqual(ReasonText.Normalize(one), ReasonText.Normalize(other));
    }

    [Fact]
    public async Task Normalize_TheSandboxsReasonsOverHttp_NeverEmptyAndGroupedIntoFewer()
    {
        // The sandbox's failing and warning steps, as its API serves them.
        var services = new ServiceCollection();
        sandbox.AddClient(services);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IFilecheckClient>();
        var page = await client.ListJobsAsync(100);
        Assert.True(page.IsSuccess);
        var messages = new List<string>();
        foreach (var lean in page.Value.Jobs)
        {
            var job = await client.GetJobAsync(JobId.Parse(lean.Id));
            if (job.IsSuccess) messages.AddRange(job.Value.Tasks?.SelectMany(t => t.Steps ?? []).Select(s => s.Reason).OfType<string>() ?? []);
        }
        Assert.True(messages.Distinct().Count() > 5, $"only {messages.Distinct().Count()} distinct reasons in the sandbox");
        var normalized = messages.Select(ReasonText.Normalize).ToList();
        Assert.All(normalized, n => Assert.False(string.IsNullOrWhiteSpace(n)));
        Assert.True(normalized.Distinct().Count() < messages.Distinct().Count(),
            $"{messages.Distinct().Count()} distinct messages gave {normalized.Distinct().Count()} reasons");
        Assert.All(normalized, n => Assert.DoesNotMatch(@"(?i)\bpages? \d", n!));
    }
}
