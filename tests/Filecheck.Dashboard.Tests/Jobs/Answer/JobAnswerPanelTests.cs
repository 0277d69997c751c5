using System.Text.Json;
using Bunit;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Answer;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Jobs.Answer;

public sealed class JobAnswerPanelTests : ComponentTest
{

    public JobAnswerPanelTests() : base(ComponentUpstream.None)
    {
    }

    private static Job Fixture(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(name)));
        return doc.RootElement.GetProperty("job").Deserialize(FilecheckJsonContext.Default.Job)!;
    }

    [Fact]
    public void Render_FailingFixture_ShowsEveryReasonLinkedToItsFileAndStep()
    {
        var job = Fixture("job.preflight.json");
        var panel = Ctx.Render<JobAnswerPanel>(p => p.Add(x => x.Answer, JobAnswer.For(job)).Add(x => x.JobId, job.Id));

        Assert.Equal("The file failed.", panel.Find("[data-testid=answer-headline]").TextContent.Trim());
        var items = panel.FindAll("[data-testid=answer-item]");
        Assert.Equal(3, items.Count);
        Assert.Contains("Bleed missing on page 1: 0 mm of 3 mm.", items[0].TextContent);
        var task = job.Tasks![0];
        var step = task.Steps![0];
        Assert.All(items, i => Assert.Equal(Urls.Job(job.Id, task.Id, step.Id), i.QuerySelector("a")!.GetAttribute("href")));
        Assert.Equal(Urls.Job(job.Id, task.Id), panel.Find("a.job-answer-file").GetAttribute("href"));
    }

    [Fact]
    public void Render_MarkupInAReason_IsShownAsText()
    {
        var job = new Job
        {
            Id = "job_x", Status = JobStatus.Done, Outcome = Outcome.Fail,
            Tasks = [new JobTask { Id = "t1", Outcome = Outcome.Fail, OriginalArtifact = new Artifact { FileName = "<b>a</b>.pdf" },
                Steps = [new Step { Id = "s1", Type = "validate", Status = JobStatus.Done, Outcome = Outcome.Fail, Reason = "<script>window.x=1</script>" }] }],
        };
        var panel = Ctx.Render<JobAnswerPanel>(p => p.Add(x => x.Answer, JobAnswer.For(job)).Add(x => x.JobId, job.Id));

        Assert.Empty(panel.FindAll("script"));
        Assert.Empty(panel.FindAll("b"));
        Assert.Contains("<script>window.x=1</script>", panel.Find("[data-testid=answer-item]").TextContent);
    }

    [Fact]
    public void Render_HeaderOfParallelFiles_NamesTheSumsAsSums()
    {
        var t0 = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        JobTask File(string id) => new()
        {
            Id = id, Status = JobStatus.Done, Outcome = Outcome.Pass,
            Steps = [new Step { Id = "s", Status = JobStatus.Done, Started = t0, Ended = t0.AddSeconds(30), Duration = 30_000 }],
        };
        var job = new Job { Id = "job_x", Status = JobStatus.Done, Outcome = Outcome.Pass, CreatedAt = t0, ModifiedAt = t0.AddSeconds(31), Tasks = [File("a"), File("b"), File("c")] };
        var header = Ctx.Render<JobHeader>(p => p
            .Add(x => x.View, new JobView(job, null, null, t0))
            .Add(x => x.Times, JobTimes.For(job, t0.AddHours(1))));

        Assert.Equal("30 s", header.Find("[data-testid=wall-time]").TextContent);
        Assert.Equal("31 s", header.Find("[data-testid=in-filecheck]").TextContent);
        Assert.Equal("1m 30s", header.Find("[data-testid=step-time]").TextContent);
        Assert.Contains("Step time, summed over files", header.Markup);
        Assert.Contains("Waits, summed over files", header.Markup);
        Assert.Contains("median 30 s", header.Find("[data-testid=per-file]").TextContent);
    }
}
