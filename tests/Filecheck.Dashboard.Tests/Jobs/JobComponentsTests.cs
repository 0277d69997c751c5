using System.Text.Json;
using Bunit;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Jobs.Runs;
using Filecheck.Dashboard.Jobs.Steps;
using Filecheck.Dashboard.Jobs.Timeline;
using Filecheck.Dashboard.Tests.Support;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>The job page's parts rendered on their own, fed by the vendor's fixtures and jobs described from them.</summary>
public sealed class JobComponentsTests : ComponentTest
{
    [Fact]
    public async Task TimelineView_FixedJob_DrawsOneBarPerTimedStepAtTheModelsGeometry()
    {
        var job = await GetJobAsync(FakeJobs.Full); // its autofix step fixed the file
        var timeline = JobTimeline.Build(job, DateTimeOffset.UtcNow);

        var view = Ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, timeline));

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
        var job = await GetJobAsync(FakeJobs.Full);
        (string TaskId, string? StepId)? selected = null;
        var view = Ctx.Render<TimelineView>(p => p
            .Add(x => x.Timeline, JobTimeline.Build(job, DateTimeOffset.UtcNow))
            .Add(x => x.OnSelect, s => selected = s));

        view.FindAll("[data-testid=timeline-bar]")[0].Click();

        var firstStep = job.Tasks![0].Steps!.OrderBy(s => s.Started).First();
        Assert.Equal((job.Tasks[0].Id, firstStep.Id), selected);
    }

    [Fact]
    public async Task TimelineView_RunningJobWithPendingSteps_ListsThemAsUntimed()
    {
        var now = DateTimeOffset.Parse("2026-07-29T10:16:00Z");
        var job = Filecheck.Add(FakeJobs.Running(now, running: TimeSpan.FromSeconds(30)));

        var view = Ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, JobTimeline.Build(job, now)));

        Assert.Contains(view.FindAll("[data-testid=timeline-bar]"), b => b.ClassList.Contains("running"));
        Assert.Contains("not started yet", view.Find("[data-testid=timeline-untimed]").TextContent);
    }

    [Fact]
    public void FilesTable_LargeJobFilteredAndSorted_ShowsMatchingRowsInOrder()
    {
        var job = Filecheck.Add(FakeJobs.Large(200));
        var state = new JobViewState { Filter = "page-10", Sort = "name", Desc = true };

        var table = Ctx.Render<FilesTable>(p => p.Add(x => x.Tasks, job.Tasks!).Add(x => x.State, state));

        var expected = job.Tasks!.Select(t => t.DisplayName).Where(n => n.Contains("page-10", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(11, expected.Count); // page-10, page-100..109
        Assert.Contains($"{expected.Count} of {job.Tasks!.Count} files", table.Find("[data-testid=files-count]").TextContent);
        var names = table.FindAll("[data-testid=files-row] td:first-child").Select(td => td.TextContent.Trim()).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains("page-10", n));
        Assert.Equal(names.OrderByDescending(n => n, StringComparer.Ordinal).ToList(), names);
        Assert.Equal(expected.OrderByDescending(n => n, StringComparer.Ordinal).Take(names.Count), names);
        // Below the virtualization threshold every matching row is in the page (find-in-page, screen readers).
        Assert.Equal(expected.Count, names.Count);
    }

    [Fact]
    public async Task FilesTable_ClickSortHeader_AsksForThatSortAndTogglesDirection()
    {
        var job = Filecheck.Add(FakeJobs.Large(200));
        JobViewState? asked = null;
        var table = Ctx.Render<FilesTable>(p => p.Add(x => x.Tasks, job.Tasks!)
            .Add(x => x.State, new JobViewState { Sort = "duration" })
            .Add(x => x.OnChange, s => asked = s));

        // Awaited: the table's Virtualize may still be rendering, and a plain Click would only queue the event.
        await table.Find("[data-testid=sort-duration]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        Assert.Equal("duration", asked!.Sort);
        Assert.True(asked.Desc);
    }

    [Fact]
    public void StepDetail_WarningPreflight_ShowsSummaryFindingsReasonAndParams()
    {
        var job = Filecheck.Add(FakeJobs.Fixture("job.full.json", j =>
        {
            j["id"] = "job_fake_warning";
            var preflight = j["tasks"]![0]!["steps"]![0]!;
            preflight["reason"] = "2 warnings: low resolution image, ink coverage";
            preflight["outputs"]![0]!["body"]!["findings"] = JsonNode.Parse("""
                [{"check":"image_resolution","severity":"warning","message":"Image at 96 dpi","fix":"Use 300 dpi","page":1},
                 {"check":"ink_coverage","severity":"warning","message":"Ink coverage 320%","page":2}]
                """);
        }));
        var step = job.Tasks!.SelectMany(t => t.Steps!).First(s => s.Type == "preflight" && s.Outcome == "warn");

        var detail = Ctx.Render<StepDetail>(p => p.Add(x => x.Step, step).Add(x => x.FileName, "flyer.pdf"));

        var summary = StepReport.Read(step).Summary!;
        Assert.Equal(2, summary.Warnings);
        Assert.Contains("2 warnings", detail.Find("[data-testid=report-summary]").TextContent);
        var findings = detail.FindAll("[data-testid=findings] li");
        Assert.Equal(2, findings.Count);
        Assert.Contains("Image at 96 dpi", findings[0].TextContent);
        Assert.Contains("Use 300 dpi", findings[0].TextContent);
        Assert.Contains("Ink coverage 320%", findings[1].TextContent);
        Assert.Equal(step.Reason, detail.Find("[data-testid=step-reason]").TextContent.Trim());
        Assert.Contains("profileId", detail.Find("[data-testid=step-params]").TextContent);
    }

    [Fact]
    public void StepDetail_PresignedUrlInParamsAndRuntimeParams_ShowsNoSignature()
    {
        var job = Filecheck.Add(FakeJobs.Fixture("job.full.json", j => j["id"] = "job_fake_params"));
        const string signature = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        var presigned = "https://filecheck-eu.s3.amazonaws.com/in/flyer.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=AKIAEXAMPLE%2F20261201%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Expires=3600" +
            $"&X-Amz-Signature={signature}";
        using var parameters = JsonDocument.Parse(JsonSerializer.Serialize(new { profileId = "prof_print", source = presigned, nested = new[] { new { link = presigned } } }));
        using var runtime = JsonDocument.Parse(JsonSerializer.Serialize(new { input = new { downloadUrl = "https://cdn.example/x.pdf", fetched = presigned } }));
        var step = job.Tasks![0].Steps![0] with { Params = parameters.RootElement.Clone(), RuntimeParams = runtime.RootElement.Clone() };

        var detail = Ctx.Render<StepDetail>(p => p.Add(x => x.Step, step));

        Assert.DoesNotContain(signature, detail.Markup);
        Assert.DoesNotContain("X-Amz-Credential", detail.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cdn.example", detail.Markup);
        // The rest of the params still show, and the reader sees where a URL was taken out.
        Assert.Contains("prof_print", detail.Find("[data-testid=step-params]").TextContent);
        Assert.Contains(SignedUrls.Placeholder, detail.Find("[data-testid=step-params]").TextContent);
        Assert.Contains(SignedUrls.Placeholder, detail.Find("[data-testid=step-runtime-params]").TextContent);
    }

    [Fact]
    public void StepDetail_FailedValidate_ShowsProfileNotCompliantWithFailedRules()
    {
        string[] failedRules = ["Font Helvetica is not embedded", "Output intent missing"];
        var job = Filecheck.Add(FakeJobs.Fixture("job.full.json", j =>
        {
            j["id"] = "job_fake_not_compliant";
            var validate = j["tasks"]![0]!["steps"]![2]!;
            validate["outcome"] = "fail";
            var result = validate["outputs"]![0]!["result"]!["results"]![0]!;
            result["compliant"] = false;
            result["failedRules"] = 2;
            result["failedRuleDetails"] = new JsonArray(JsonValue.Create(failedRules[0]), new JsonObject { ["description"] = failedRules[1] });
        }));
        var step = job.Tasks!.SelectMany(t => t.Steps!).First(s => s.Type == "validate");

        var detail = Ctx.Render<StepDetail>(p => p.Add(x => x.Step, step));

        var row = detail.Find("[data-testid=validate-results] tbody tr");
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("PDF/X-1b", cells[0]);
        Assert.Equal("Not compliant", cells[1]);
        Assert.Equal("42 / 2", cells[3]);
        // The failed rules themselves, each in words, not just the verdict.
        Assert.Equal(string.Join("; ", failedRules), cells[4]);
    }

    [Fact]
    public async Task StepDetail_CloseButton_RaisesOnClose()
    {
        var job = await GetJobAsync(FakeJobs.Full);
        var closed = false;
        var detail = Ctx.Render<StepDetail>(p => p.Add(x => x.Step, job.Tasks![0].Steps![0]).Add(x => x.OnClose, () => closed = true));

        detail.Find("button[aria-label^='Close step detail']").Click();

        Assert.True(closed);
    }

    [Theory]
    [InlineData(FakeJobs.Full)]
    [InlineData("job_fake_two_runs")]
    public async Task RunsView_Job_ShowsProofsThroughTheDashboardAndADownloadPerFileWithOutput(string jobId)
    {
        if (jobId != FakeJobs.Full)
        {
            // Two files: one with two proofs and an output, one with a proof and nothing to download.
            var runs2 = JsonNode.Parse(FakeJobs.Read("job.runs.json"))!;
            runs2["id"] = jobId;
            var second = runs2["runs"]![0]!.DeepClone();
            second["id"] = "task_fake_second";
            second["hasOutput"] = false;
            second["downloadUrl"] = null;
            runs2["runs"]!.AsArray().Add(second);
            runs2["runs"]![0]!["proofs"]!.AsArray().Add(new JsonObject { ["url"] = "https://fc-artifacts.s3.amazonaws.com/p2.png?X-Amz-Signature=ghi" });
            Filecheck.Add(FakeJobs.Fixture("job.full.json", j => j["id"] = jobId),
                JsonSerializer.Deserialize(runs2.ToJsonString(), FilecheckJsonContext.Default.RunsResponse));
        }
        var runs = (await Filecheck.GetRunsAsync(JobId.Parse(jobId))).Value!.Runs;
        Assert.Contains(runs, r => r.DownloadUrl is not null);
        var view = Ctx.Render<RunsView>(p => p.Add(x => x.JobId, jobId));
        view.WaitForState(() => view.FindAll("[data-testid=run]").Count > 0, TimeSpan.FromSeconds(10));

        var images = view.FindAll("[data-testid=proof-image]");
        Assert.NotEmpty(images);
        // The browser asks the dashboard, never the signed URL.
        Assert.Equal(runs.Sum(r => r.Proofs.Count), images.Count);
        Assert.All(images, img => Assert.StartsWith($"/jobs/{jobId}/files/", img.GetAttribute("src")));
        Assert.DoesNotContain("X-Amz-Signature", view.Markup);
        Assert.DoesNotContain("amazonaws.com", view.Markup);
        Assert.Equal(runs.Count(r => r.HasOutput || r.DownloadUrl is not null), view.FindAll("[data-testid=download]").Count);
    }

    [Fact]
    public async Task RawJsonView_Job_ShowsJsonWithoutSignedUrls()
    {
        var job = await GetJobAsync(FakeJobs.Full);
        Assert.Contains(job.Tasks!, t => t.OutputArtifacts?.Any(a => a.DownloadUrl is not null) == true || job.Deliverables?.Count > 0);

        var view = Ctx.Render<RawJsonView>(p => p.Add(x => x.Job, job));

        var json = view.Find("[data-testid=raw-json]").TextContent;
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(job.Id, doc.RootElement.GetProperty("id").GetString());
        Assert.DoesNotContain("X-Amz-Signature", json);
        Assert.Contains(SignedUrls.Placeholder, json);
    }

}
