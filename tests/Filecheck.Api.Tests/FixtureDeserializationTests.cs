using System.Net;
using System.Text.Json;

namespace Filecheck.Api.Tests;

/// <summary>Every canonical response body of the vendor reads through the client's own deserialization.</summary>
public sealed class FixtureDeserializationTests
{
    private static async Task<T> ReadThroughClient<T>(string fixture, Func<FilecheckClient, Task<FilecheckResult<T>>> call)
    {
        var client = StubClient.Over(StubHandler.Returning(HttpStatusCode.OK, Fixtures.Read(fixture)));
        var result = await call(client);
        Assert.True(result.IsSuccess, $"{fixture}: {result.Failure}");
        return result.Value!;
    }

    [Fact]
    public void FixtureFolder_Found_HoldsEveryKnownFixture()
    {
        var names = Directory.GetFiles(Fixtures.Directory, "*.json").Select(Path.GetFileName).ToHashSet();
        foreach (var expected in new[]
                 {
                     "job.full.json", "job.lean.json", "job.preflight.json", "job.pending-202.json", "job.runs.json",
                     "jobs.list.json", "webhook.job-completed.json", "upload.presign.json",
                 })
        {
            Assert.Contains(expected, names);
        }
    }

    [Fact]
    public void EveryFixture_ParsesAsJson()
    {
        var files = Directory.GetFiles(Fixtures.Directory, "*.json", SearchOption.AllDirectories);
        Assert.True(files.Length >= 13, $"only {files.Length} fixtures found");
        foreach (var file in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task GetJobAsync_FullFixture_ReadsStepsSummaryAndResults()
    {
        var job = await ReadThroughClient("job.full.json", c => c.GetJobAsync(JobId.Parse("job_01jf8n2q4vxw9k3m5p7r9t1v3x")));

        Assert.Equal("job_01jf8n2q4vxw9k3m5p7r9t1v3x", job.Id);
        Assert.Equal("done", job.Status);
        Assert.Equal("pass", job.Outcome);
        Assert.True(job.IsTerminal);
        Assert.Equal(new DateTimeOffset(2026, 7, 29, 10, 15, 2, TimeSpan.Zero), job.CreatedAt);
        var deliverable = Assert.Single(job.Deliverables!);
        Assert.Equal(3600, deliverable.ExpiresIn);
        Assert.StartsWith("https://fc-artifacts.s3.amazonaws.com/", deliverable.DownloadUrl);

        var task = Assert.Single(job.Tasks!);
        Assert.Equal("business-card.pdf", task.DisplayName);
        Assert.Equal(3, task.Steps!.Count);
        var preflight = task.Steps[0];
        Assert.Equal("preflight", preflight.Type);
        Assert.Equal(7000, preflight.Duration);
        Assert.Equal(TimeSpan.FromSeconds(7), preflight.DurationSpan);
        Assert.Equal(preflight.Ended - preflight.Started, preflight.DurationSpan);
        Assert.Equal(2, preflight.Outputs![0].Body!.Value.GetProperty("summary").GetProperty("warnings").GetInt32());
        var autofix = task.Steps[1];
        Assert.Equal("autofix", autofix.Type);
        Assert.Equal("fixed", autofix.Outcome);
        Assert.Equal(18000, autofix.Duration);

        Assert.Equal("reject", job.Summary!.Policy!.OnFail);
        Assert.Equal(1785308102000, job.Summary.Created);
        var validate = Assert.Single(job.Results!.Validate!);
        Assert.True(validate.Compliant);
        Assert.Equal(128, validate.Profiles![0].Checks!.Passed);
        Assert.Null(job.Results.Preflight);
    }

    [Fact]
    public async Task GetJobAsync_LeanFixture_HasNoTimingsAndIsNotTerminal()
    {
        var job = await ReadThroughClient("job.lean.json", c => c.GetJobAsync(JobId.Parse("job_01jf8n2q4vxw9k3m5p7r9t1v3x")));

        Assert.Equal("pending", job.Status);
        Assert.Null(job.Outcome);
        Assert.False(job.IsTerminal);
        Assert.NotNull(job.ExpiresAt);
        Assert.Null(job.Summary);
        var step = Assert.Single(Assert.Single(job.Tasks!).Steps!);
        Assert.Null(step.Duration);
        Assert.Null(step.Started);
        Assert.Equal("artwork.pdf", job.Tasks![0].DisplayName);
    }

    [Fact]
    public async Task GetJobAsync_PreflightFixture_ReadsFailedOutcomeAndDuration()
    {
        var job = await ReadThroughClient("job.preflight.json", c => c.GetJobAsync(JobId.Parse("job_01jf8npf01xw9k3m5p7r9t1v3x")));

        Assert.Equal("fail", job.Outcome);
        var step = Assert.Single(Assert.Single(job.Tasks!).Steps!);
        Assert.Equal("preflight", step.Type);
        Assert.Equal("fail", step.Outcome);
        Assert.Equal(17000, step.Duration);
    }

    [Fact]
    public void PendingFixture_ReadsWithTheJsonContext()
    {
        var pending = JsonSerializer.Deserialize(Fixtures.Read("job.pending-202.json"), FilecheckJsonContext.Default.JobPendingResponse);

        Assert.NotNull(pending);
        Assert.True(pending.Pending);
        Assert.Equal("running", pending.Job!.Status);
        Assert.Equal("running", pending.Job.Tasks![0].Steps![0].Status);
    }

    [Fact]
    public async Task GetRunsAsync_RunsFixture_ReadsProofAndDownloadUrls()
    {
        var runs = await ReadThroughClient("job.runs.json", c => c.GetRunsAsync(JobId.Parse("job_01jf8n2q4vxw9k3m5p7r9t1v3x")));

        Assert.Equal("job_01jf8n2q4vxw9k3m5p7r9t1v3x", runs.Id);
        var run = Assert.Single(runs.Runs);
        Assert.Equal("business-card.pdf", run.Name);
        Assert.True(run.HasOutput);
        Assert.Equal(
            "https://fc-artifacts.s3.amazonaws.com/d/42/job_01jf8n2q4vxw9k3m5p7r9t1v3x/proof-1.png?X-Amz-Signature=def",
            Assert.Single(run.Proofs).Url);
        Assert.EndsWith("fixed.pdf?X-Amz-Signature=abc", run.DownloadUrl);
    }

    [Fact]
    public async Task ListJobsAsync_ListFixture_ReadsLeanJobsAndCursor()
    {
        var page = await ReadThroughClient("jobs.list.json", c => c.ListJobsAsync(20));

        Assert.Equal(2, page.Jobs.Count);
        Assert.Equal(["pass", "fail"], page.Jobs.Select(j => j.Outcome));
        Assert.All(page.Jobs, j => Assert.Empty(j.Tasks!));
        Assert.Equal("eyJpZCI6ImpvYl8wMWpmOG05eDJ0dXY3aDFrM201bzdxOXMxdSJ9", page.NextKey);
    }

    [Fact]
    public void WebhookFixture_ReadsAsCompletedEvent()
    {
        var hook = JsonSerializer.Deserialize(Fixtures.Read("webhook.job-completed.json"), FilecheckJsonContext.Default.JobCompletedWebhook);

        Assert.NotNull(hook);
        Assert.Equal("job_01jf8n2q4vxw9k3m5p7r9t1v3x", hook.Id);
        Assert.Equal("done", hook.Status);
        Assert.Equal(["task_01jf8n2r5wxy0l4n6q8s0u2w4y"], hook.TaskIds!);
        Assert.NotNull(hook.Finalized);
        Assert.Null(hook.TaskCount);
        Assert.Single(hook.Tasks!);
    }

    [Fact]
    public void UploadPresignFixture_ParsesAsJson()
    {
        // There is no model: the dashboard never uploads. It must still be valid JSON with the documented fields.
        using var document = JsonDocument.Parse(Fixtures.Read("upload.presign.json"));
        Assert.Equal(300, document.RootElement.GetProperty("expiresIn").GetInt32());
        Assert.Equal("POST", document.RootElement.GetProperty("upload").GetProperty("method").GetString());
    }
}
