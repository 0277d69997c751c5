using Filecheck.Dashboard.Access;

namespace Filecheck.Dashboard.Tests.Access;

public sealed class SafeReturnUrlTests
{
    [Theory]
    [InlineData("/jobs/job_demo_passing?tab=files", "/jobs/job_demo_passing?tab=files")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/\t/evil.example/", "/")]
    [InlineData("/\n/evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    public void SafeReturnUrl_AnyInput_OnlyLocalPathsSurvive(string? input, string expected) =>
        Assert.Equal(expected, AccessEndpoints.SafeReturnUrl(input));
}
