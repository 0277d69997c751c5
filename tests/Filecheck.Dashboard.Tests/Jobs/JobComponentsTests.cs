using System.Text.Json;
using Bunit;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Dashboard.Jobs.Steps;
using Filecheck.Dashboard.Jobs.Timeline;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The job page's parts rendered on their own, fed by jobs from a real sandbox over HTTP.</summary>
public sealed class JobComponentsTests : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    private readonly SandboxFixture _sandbox;
    private readonly BunitContext _ctx = new();

    public JobComponentsTests(SandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        sandbox.AddClient(_ctx.Services);
        _ctx.Services.AddJobs();
    }

    private async Task<Job> GetJobAsync(string id)
    {
        var result = await _ctx.Services.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse(id));
        Assert.True(result.IsSuccess, result.Failure?.Message);
        return result.Value;
    }

    [Fact]
    public async Task TimelineView_FixedJob_DrawsOneBarPerTimedStepAtTheModelsGeometry()
    {
        var job = await GetJobAsync(WellKnownJobs.Fixed);
        var timeline = JobTimeline.Build(job, DateTimeOffset.UtcNow);

        var view = _ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, timeline));

        var bars = view.FindAll("[data-testid=timeline-bar]");
        var modelBars = timeline.Rows.SelectMany(r => r.Bars).ToList();
        Assert.Equal(modelBars.Count, bars.Count);
        Assert.Equal(
            modelBars.Select(b => b.WidthPercent.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "%"),
            bars.Select(b => b.GetAttribute("data-width")));
        Assert.Contains(bars, b => b.ClassList.Contains("critical"));
        Assert.Contains(bars, b => b.ClassList.Contains("outcome-fixed"));
        // Every bar says what it is in words for screen readers, not only in colour.
        Assert.All(bars, b => Assert.Contains("took", b.GetAttribute("aria-label")));
    }

    [Fact]
    public async Task TimelineView_ClickABar_ReportsFileAndStep()
    {
        var job = await GetJobAsync(WellKnownJobs.Failing);
        (string TaskId, string? StepId)? selected = null;
        var view = _ctx.Render<TimelineView>(p => p
            .Add(x => x.Timeline, JobTimeline.Build(job, DateTimeOffset.UtcNow))
            .Add(x => x.OnSelect, s => selected = s));

        view.FindAll("[data-testid=timeline-bar]")[0].Click();

        var firstStep = job.Tasks![0].Steps!.OrderBy(s => s.Started).First();
        Assert.Equal((job.Tasks[0].Id, firstStep.Id), selected);
    }

    [Fact]
    public async Task TimelineView_RunningJobWithPendingSteps_ListsThemAsUntimed()
    {
        var id = _sandbox.Server.Jobs.CreateRunningJob(files: 1, stepDuration: TimeSpan.FromMinutes(10));
        var job = await GetJobAsync(id);

        var view = _ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, JobTimeline.Build(job, DateTimeOffset.UtcNow)));

        Assert.Contains(view.FindAll("[data-testid=timeline-bar]"), b => b.ClassList.Contains("running"));
        Assert.Contains("not started yet", view.Find("[data-testid=timeline-untimed]").TextContent);
    }

    [Fact]
    public async Task FilesTable_LargeJobFilteredAndSorted_ShowsMatchingRowsInOrder()
    {
        var job = await GetJobAsync(WellKnownJobs.Large);
        var state = new JobViewState { Filter = "page-1", Sort = "name", Desc = true };

        var table = _ctx.Render<FilesTable>(p => p.Add(x => x.Tasks, job.Tasks!).Add(x => x.State, state));

        var expected = job.Tasks!.Select(t => t.DisplayName).Where(n => n.Contains("page-1", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains($"{expected.Count} of {job.Tasks!.Count} files", table.Find("[data-testid=files-count]").TextContent);
        var names = table.FindAll("[data-testid=files-row] td:first-child").Select(td => td.TextContent.Trim()).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains("page-1", n));
        Assert.Equal(names.OrderByDescending(n => n, StringComparer.Ordinal).ToList(), names);
        // Virtualized: a 200-file job never renders every row at once in the test's viewport.
        Assert.True(names.Count <= expected.Count);
    }

    [Fact]
    public async Task FilesTable_ClickSortHeader_AsksForThatSortAndTogglesDirection()
    {
        var job = await GetJobAsync(WellKnownJobs.Large);
        JobViewState? asked = null;
        var table = _ctx.Render<FilesTable>(p => p.Add(x => x.Tasks, job.Tasks!)
            .Add(x => x.State, new JobViewState { Sort = "duration" })
            .Add(x => x.OnChange, s => asked = s));

        table.Find("[data-testid=sort-duration]").Click();

        Assert.Equal("duration", asked!.Sort);
        Assert.True(asked.Desc);
    }

    [Fact]
    public async Task StepDetail_WarningPreflight_ShowsSummaryFindingsReasonAndParams()
    {
        var job = await GetJobAsync(WellKnownJobs.Warning);
        var step = job.Tasks!.SelectMany(t => t.Steps!).First(s => s.Type == "preflight" && s.Outcome == "warn");

        var detail = _ctx.Render<StepDetail>(p => p.Add(x => x.Step, step).Add(x => x.FileName, "flyer.pdf"));

        var summary = StepReport.Read(step).Summary!;
        Assert.Contains(summary.Warnings == 1 ? "1 warning" : $"{summary.Warnings} warnings", detail.Find("[data-testid=report-summary]").TextContent);
        Assert.Equal(summary.Warnings, detail.FindAll("[data-testid=findings] li").Count);
        Assert.Equal(step.Reason, detail.Find("[data-testid=step-reason]").TextContent.Trim());
        Assert.Contains("profileId", detail.Find("[data-testid=step-params]").TextContent);
    }

    [Fact]
    public async Task StepDetail_PresignedUrlInParamsAndRuntimeParams_ShowsNoSignature()
    {
        var job = await GetJobAsync(WellKnownJobs.Warning);
        const string signature = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        var presigned = "https://filecheck-eu.s3.amazonaws.com/in/flyer.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=AKIAEXAMPLE%2F20261201%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Expires=3600" +
            $"&X-Amz-Signature={signature}";
        using var parameters = JsonDocument.Parse(JsonSerializer.Serialize(new { profileId = "prof_print", source = presigned, nested = new[] { new { link = presigned } } }));
        using var runtime = JsonDocument.Parse(JsonSerializer.Serialize(new { input = new { downloadUrl = "https://cdn.example/x.pdf", fetched = presigned } }));
        var step = job.Tasks![0].Steps![0] with { Params = parameters.RootElement.Clone(), RuntimeParams = runtime.RootElement.Clone() };

        var detail = _ctx.Render<StepDetail>(p => p.Add(x => x.Step, step));

        Assert.DoesNotContain(signature, detail.Markup);
        Assert.DoesNotContain("X-Amz-Credential", detail.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cdn.example", detail.Markup);
        // The rest of the params still show, and the reader sees where a URL was taken out.
        Assert.Contains("prof_print", detail.Find("[data-testid=step-params]").TextContent);
        Assert.Contains(SignedUrls.Placeholder, detail.Find("[data-testid=step-params]").TextContent);
        Assert.Contains(SignedUrls.Placeholder, detail.Find("[data-testid=step-runtime-params]").TextContent);
    }

    [Fact]
    public async Task StepDetail_FailedValidate_ShowsProfileNotCompliantWithFailedRules()
    {
        var job = await GetJobAsync(WellKnownJobs.Failing);
        var step = job.Tasks!.SelectMany(t => t.Steps!).First(s => s.Type == "validate");

        var detail = _ctx.Render<StepDetail>(p => p.Add(x => x.Step, step));

        var table = detail.Find("[data-testid=validate-results]");
        Assert.Contains("Not compliant", table.TextContent);
    }

    [Fact]
    public async Task StepDetail_CloseButton_RaisesOnClose()
    {
        var job = await GetJobAsync(WellKnownJobs.Passing);
        var closed = false;
        var detail = _ctx.Render<StepDetail>(p => p.Add(x => x.Step, job.Tasks![0].Steps![0]).Add(x => x.OnClose, () => closed = true));

        detail.Find("button[aria-label^='Close step detail']").Click();

        Assert.True(closed);
    }

    [Theory]
    [InlineData(WellKnownJobs.Warning)]
    [InlineData(WellKnownJobs.Fixed)]
    public async Task RunsView_Job_ShowsProofsThroughTheDashboardAndADownloadPerFileWithOutput(string jobId)
    {
        var runs = (await _ctx.Services.GetRequiredService<IFilecheckClient>().GetRunsAsync(JobId.Parse(jobId))).Value!.Runs;
        var view = _ctx.Render<RunsView>(p => p.Add(x => x.JobId, jobId));
        view.WaitForState(() => view.FindAll("[data-testid=run]").Count > 0, TimeSpan.FromSeconds(10));

        var images = view.FindAll("[data-testid=proof-image]");
        Assert.NotEmpty(images);
        // The browser asks the dashboard, never the signed URL, and never sees the key.
        Assert.Equal(runs.Sum(r => r.Proofs.Count), images.Count);
        Assert.All(images, img => Assert.StartsWith($"/jobs/{jobId}/files/", img.GetAttribute("src")));
        Assert.DoesNotContain("sig=", view.Markup);
        Assert.DoesNotContain(_sandbox.Server.ApiKey, view.Markup);
        Assert.Equal(runs.Count(r => r.HasOutput || r.DownloadUrl is not null), view.FindAll("[data-testid=download]").Count);
    }

    [Fact]
    public void RawJsonView_Job_ShowsJsonWithoutSignedUrls()
    {
        var job = GetJobAsync(WellKnownJobs.Fixed).GetAwaiter().GetResult();
        Assert.Contains(job.Tasks!, t => t.OutputArtifacts?.Any(a => a.DownloadUrl is not null) == true || job.Deliverables?.Count > 0);

        var view = _ctx.Render<RawJsonView>(p => p.Add(x => x.Job, job));

        var json = view.Find("[data-testid=raw-json]").TextContent;
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(job.Id, doc.RootElement.GetProperty("id").GetString());
        Assert.DoesNotContain("sig=", json);
        Assert.Contains(SignedUrls.Placeholder, json);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();
}
