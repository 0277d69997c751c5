namespace Filecheck.Api.Tests;

public sealed class JobIdTests
{
    public static TheoryData<string, string> Good => new()
    {
        { "job_01jf8n2q4vxw9k3m5p7r9t1v3x", "job_01jf8n2q4vxw9k3m5p7r9t1v3x" },
        { "job_demo_passing", "job_demo_passing" },
        { "job_missing", "job_missing" },
        { "job_x", "job_x" },
        { "job_" + new string('a', 100), "job_" + new string('a', 100) },
        { "  job_demo_passing \t\r\n", "job_demo_passing" },
        { "\u00a0job_demo_passing\u00a0", "job_demo_passing" },
        { "https://admin.filecheck.io/jobs/job_01jf8n2q4vxw9k3m5p7r9t1v3x", "job_01jf8n2q4vxw9k3m5p7r9t1v3x" },
        { "https://admin.filecheck.io/jobs/job_01jf8n2q4vxw9k3m5p7r9t1v3x/", "job_01jf8n2q4vxw9k3m5p7r9t1v3x" },
        { "https://api.filecheck.io/jobs/job_x?expand=runs", "job_x" },
        { "https://admin.filecheck.io/jobs?id=job_x", "job_x" },
        { "https://admin.filecheck.io/jobs?tab=files&id=job_x#top", "job_x" },
        { "http://localhost:5187/jobs/job_demo_fixed", "job_demo_fixed" },
        { "HTTPS://ADMIN.FILECHECK.IO/jobs/job_demo_fixed", "job_demo_fixed" },
        { "https://admin.filecheck.io/#/jobs/job_demo_warning", "job_demo_warning" },
        { "admin.filecheck.io/jobs/job_demo_failing", "job_demo_failing" },
        { "https://admin.filecheck.io/jobs/job_x?id=job_x", "job_x" },
        { "https://admin.filecheck.io/jobs/job_x?utm_source=mail%20today", "job_x" },
        { "job job_demo_passing failed", "job_demo_passing" },
        { "see https://admin.filecheck.io/jobs/job_x", "job_x" },
        { "job_x job_x", "job_x" },
    };

    public static TheoryData<string?, string> Bad => new()
    {
        { null, "Enter a job ID" },
        { "", "Enter a job ID" },
        { "   \t ", "Enter a job ID" },
        { "hello", "Enter a job ID" },
        { "job_", "after job_" },
        { "JOB_abc", "job_" },
        { "job_abc-def", "only letters, digits and underscores" },
        { "job_abc.pdf", "only letters, digits and underscores" },
        { "job_abc;drop", "only letters, digits and underscores" },
        { "job_" + new string('a', 101), "too long" },
        { "job_" + new string('a', 10_240), "too long" },
        { new string(' ', 3000) + "job_abc", "too long" },
        { "job_abc/../x", "path" },
        { "../job_abc", "path" },
        { "..\\job_abc", "path" },
        { "/jobs/job_abc", "path" },
        { "job_abc/", "path" },
        { "https://admin.filecheck.io/jobs/../job_abc", "path" },
        { "https://admin.filecheck.io/jobs/job_abc/..", "path" },
        { "https://admin.filecheck.io/jobs/./job_abc", "path" },
        { "job_abc%2F..", "percent-encoded" },
        { "%6aob_abc", "percent-encoded" },
        { "https://admin.filecheck.io/jobs/%6aob_abc", "percent-encoded" },
        { "https://admin.filecheck.io/jobs/job_abc%2F..", "percent-encoded" },
        { "https://admin.filecheck.io/jobs?id=%6aob_abc", "percent-encoded" },
        { "https://admin.filecheck.io/jobs?id=job_abc%2F..", "percent-encoded" },
        { "job_abc?x=1", "without ?" },
        { "job_abc#frag", "without ?" },
        { "job_abc&job_def", "without ?" },
        { "\u0458ob_abc", "looks like" },                 // Cyrillic je
        { "job_\u0430bc", "looks like" },                 // Cyrillic a
        { "\uff4a\uff4f\uff42_abc", "looks like" },       // full-width job
        { "job_abc\u200b", "looks like" },                // zero-width space
        { "https://admin.filecheck.io/jobs/job_ab\u0441", "looks like" },
        { "job_abc\u0000", "control" },
        { "job_\u0007abc", "control" },
        { "job_abc\u007f", "control" },
        { "job_a\u001b[31mbc", "control" },
        { "job_abc job_def", "more than one" },
        { "https://admin.filecheck.io/jobs/job_abc?id=job_def", "more than one" },
        { "https://admin.filecheck.io/jobs/job_abc/files/job_def", "more than one" },
        { "job_abc https://admin.filecheck.io/jobs/job_def", "more than one" },
        { "javascript:alert('job_abc')", "http" },
        { "javascript:job_abc", "http" },
        { "file:///etc/job_abc", "http" },
        { "data:text/html,job_abc", "http" },
        { "ftp://example.com/jobs/job_abc", "http" },
        { "see javascript:alert(1) job_abc", "http" },
        { "https://admin.filecheck.io/jobs", "does not contain a job ID" },
        { "https://admin.filecheck.io/jobs/job_abc.pdf", "does not contain a job ID" },
        { "https:job_abc", "not a valid web address" },
        { "https://", "not a valid web address" },
        { "job_abc/../x job_abc", "path" },
    };

    [Theory]
    [MemberData(nameof(Good))]
    public void TryParse_GoodInput_GivesTheId(string text, string expected)
    {
        Assert.True(JobId.TryParse(text, out var id, out var error), error);
        Assert.Null(error);
        Assert.Equal(expected, id.Value);
        Assert.Equal(expected, id.ToString());
        // Safe in a URL path as it stands.
        Assert.Equal(id.Value, Uri.EscapeDataString(id.Value));
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void TryParse_HostileOrWrongInput_GivesAReason(string? text, string reasonContains)
    {
        Assert.False(JobId.TryParse(text, out var id, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Contains(reasonContains, error, StringComparison.OrdinalIgnoreCase);
        Assert.Null(id.Value);
        // The reason never echoes the input back (it may be hostile markup).
        if (text is { Length: > 8 })
        {
            Assert.DoesNotContain(text.Trim(), error);
        }
    }

    [Fact]
    public void Parse_Malformed_ThrowsFormatExceptionWithReason()
    {
        var ex = Assert.Throws<FormatException>(() => JobId.Parse("job_abc/../x"));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Equality_IsByValue()
    {
        Assert.Equal(JobId.Parse("job_abc"), JobId.Parse(" https://admin.filecheck.io/jobs/job_abc "));
        Assert.NotEqual(JobId.Parse("job_abc"), JobId.Parse("job_abd"));
    }
}
