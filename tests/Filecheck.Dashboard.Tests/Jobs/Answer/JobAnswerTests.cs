using System.Text.Json;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs.Answer;
using Filecheck.Sandbox;
using Microsoft.Extensions.DependencyInjection;

using Filecheck.Dashboard.Tests.Support;

namespace Filecheck.Dashboard.Tests.Jobs.Answer;

/// <summary>The answer a support agent reads out: the vendor's fixtures and the sandbox's well-known jobs.</summary>
public sealed class JobAnswerTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static Job Fixture(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(name)));
        return doc.RootElement.GetProperty("job").Deserialize(FilecheckJsonContext.Default.Job)!;
    }

    private async Task<Job> SandboxJob(string id)
    {
        var services = new ServiceCollection();
        sandbox.AddClient(services);
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<IFilecheckClient>().GetJobAsync(JobId.Parse(id));
        Assert.True(result.IsSuccess, result.IsSuccess ? "" : result.Failure.Message);
        return result.Value;
    }

    [Fact]
    public void For_VendorPreflightFixture_WordsEveryFindingFromItsMeasuredValues()
    {
        var answer = JobAnswer.For(Fixture("job.preflight.json"));

        Assert.Equal(AnswerTone.Problem, answer.Tone);
        Assert.Equal("The file failed.", answer.Headline);
        var file = Assert.Single(answer.Files);
        Assert.Equal("card.pdf", file.FileName);
        Assert.Equal(
            ["Bleed missing on page 1: 0 mm of 3 mm.", "Font not embedded: Helvetica.", "Image on page 1 is 72 dpi, 150 needed."],
            file.Items.Select(i => i.Text));
        // The rejection reads first and as a failure; the others as warnings; each points at the preflight step.
        Assert.Equal([AnswerItemKind.Failed, AnswerItemKind.Warning, AnswerItemKind.Warning], file.Items.Select(i => i.Kind));
        Assert.All(file.Items, i => Assert.Equal("step_01jf8npf03abc", i.StepId));
    }

    [Fact]
    public void For_VendorFullFixture_ReadsAsReadyWithTheAutofix()
    {
        var job = Fixture("job.full.json");
        var answer = JobAnswer.For(job);

        // The preflight warned, the autofix fixed and the validation passed: the file is ready, not "with warnings".
        Assert.Equal(AnswerTone.Fixed, answer.Tone);
        var file = Assert.Single(answer.Files);
        Assert.All(file.Items, i => Assert.Equal(AnswerItemKind.Fixed, i.Kind));
        Assert.Contains("fixed automatically", answer.Headline);
    }

    [Fact]
    public async Task For_SandboxPassingJob_SaysCleanInOneLine()
    {
        var job = await SandboxJob(WellKnownJobs.Passing);
        var answer = JobAnswer.For(job);

        Assert.Equal(AnswerTone.Clean, answer.Tone);
        Assert.Empty(answer.Files);
        Assert.Matches(@"^(The file is|All \d+ files are) clean: nothing to fix\.$", answer.Headline);
    }

    [Fact]
    public async Task For_SandboxFailingJob_NamesEachFailedFileWithItsReasonAndStep()
    {
        var job = await SandboxJob(WellKnownJobs.Failing);
        var answer = JobAnswer.For(job);

        Assert.Equal(AnswerTone.Problem, answer.Tone);
        var failedTasks = job.Tasks!.Where(t => t.Outcome == Outcome.Fail || t.Status == JobStatus.Error).ToList();
        Assert.NotEmpty(failedTasks);
        Assert.Equal(failedTasks.Select(t => t.Id).Order(), answer.Files.Where(f => f.Items.Any(i => i.Kind != AnswerItemKind.Fixed && i.Kind != AnswerItemKind.Warning)).Select(f => f.TaskId).Order());
        foreach (var file in answer.Files)
        {
            var task = job.Tasks!.Single(t => t.Id == file.TaskId);
            Assert.All(file.Items, i => Assert.Contains(task.Steps!, s => s.Id == i.StepId));
            // Each failing step's own reason (the customer's words) is read out as it is.
            foreach (var step in task.Steps!.Where(s => Outcome.Severity(s.Outcome) == OutcomeSeverity.Failure && !string.IsNullOrEmpty(s.Reason)))
            {
                if (step.Type is "preflight" or "repreflight" && step != task.Steps!.Last(s => s.Type is "preflight" or "repreflight" && s.Outcome is not null)) continue;
                Assert.Contains(file.Items, i => i.StepId == step.Id && i.Text.StartsWith(step.Reason!.Trim()[..Math.Min(20, step.Reason!.Trim().Length)], StringComparison.OrdinalIgnoreCase));
            }
        }
        Assert.Contains("failed", answer.Headline);
    }

    [Fact]
    public async Task For_SandboxWarningJob_SaysWarningsNotFailed()
    {
        var job = await SandboxJob(WellKnownJobs.Warning);
        var answer = JobAnswer.For(job);

        Assert.Equal(AnswerTone.Problem, answer.Tone);
        Assert.Contains("warnings", answer.Headline);
        Assert.DoesNotContain("failed", answer.Headline);
        Assert.Contains(answer.Files.SelectMany(f => f.Items), i => i.Kind == AnswerItemKind.Warning);
    }

    [Fact]
    public async Task For_SandboxFixedJob_ListsTheFixesApplied()
    {
        var job = await SandboxJob(WellKnownJobs.Fixed);
        var answer = JobAnswer.For(job);

        var fixes = answer.Files.SelectMany(f => f.Items).Where(i => i.Kind == AnswerItemKind.Fixed).ToList();
        Assert.NotEmpty(fixes);
        Assert.All(fixes, f => Assert.StartsWith("Fixed automatically: ", f.Text));
        Assert.All(fixes, f => Assert.Equal("autofix", f.StepType));
    }

    [Fact]
    public async Task For_SandboxRunningJob_SaysWhatItIsWaitingFor()
    {
        var job = await SandboxJob(WellKnownJobs.Running);
        Assert.False(job.IsTerminal);
        var answer = JobAnswer.For(job);

        Assert.Equal(AnswerTone.InProgress, answer.Tone);
        Assert.StartsWith("Still running:", answer.Headline);
        var active = job.Tasks!.SelectMany(t => t.Steps ?? []).FirstOrDefault(s => JobStatus.IsActive(s.Status))
            ?? job.Tasks!.SelectMany(t => t.Steps ?? []).First(s => s.Status is null or JobStatus.Pending);
        Assert.Contains(active.Type!, answer.Headline);
    }

    [Fact]
    public async Task For_SandboxLargeJob_ShowsAtMostTheLimitAndCountsTheRest()
    {
        var job = await SandboxJob(WellKnownJobs.Large);
        var answer = JobAnswer.For(job, maxFiles: 5);

        var withSomething = job.Tasks!.Count(t => Outcome.Severity(t.Outcome) >= OutcomeSeverity.Fixed || t.Status == JobStatus.Error);
        Assert.True(withSomething > 5, $"the large job has {withSomething} files to talk about");
        Assert.Equal(5, answer.Files.Count);
        Assert.Equal(withSomething - 5, answer.FilesNotShown);
        // Failures are read out before warnings and fixes.
        var ranks = answer.Files.Select(f => f.Items.Any(i => i.Kind is AnswerItemKind.Failed or AnswerItemKind.Error or AnswerItemKind.NotCompliant) ? 0
            : f.Items.Any(i => i.Kind == AnswerItemKind.Warning) ? 1 : 2).ToList();
        Assert.Equal(ranks.Order(), ranks);
    }

    [Fact]
    public void For_FailedFileWithoutAnyReason_StillGetsALine()
    {
        var job = new Job
        {
            Id = "job_x", Status = JobStatus.Done, Outcome = Outcome.Fail,
            Tasks = [new JobTask { Id = "t1", Outcome = Outcome.Fail, OriginalArtifact = new Artifact { FileName = "a.pdf" }, Steps = [] }],
        };
        var answer = JobAnswer.For(job);

        var item = Assert.Single(Assert.Single(answer.Files).Items);
        Assert.Equal(AnswerItemKind.Failed, item.Kind);
        Assert.Contains("without giving a reason", item.Text);
    }

    [Fact]
    public void For_ErroredStep_ReadsItsReasonAsAnError()
    {
        var job = new Job
        {
            Id = "job_x", Status = JobStatus.Error,
            Tasks = [new JobTask { Id = "t1", Status = JobStatus.Error, OriginalArtifact = new Artifact { FileName = "a.pdf" },
                Steps = [new Step { Id = "s1", Type = "preflight", Status = JobStatus.Error, Reason = "processing timed out after 300 s" }] }],
        };
        var item = Assert.Single(Assert.Single(JobAnswer.For(job).Files).Items);

        Assert.Equal(AnswerItemKind.Error, item.Kind);
        Assert.Equal("Processing timed out after 300 s.", item.Text);
        Assert.Equal("s1", item.StepId);
    }

    [Theory]
    [InlineData("""{"ruleId":"bleed_missing","page":2,"measured_mm":1.5,"required_mm":3}""", "Bleed missing on page 2: 1.5 mm of 3 mm")]
    [InlineData("""{"ruleId":"font_not_embedded","font":"Arial-BoldMT"}""", "Font not embedded: Arial-BoldMT")]
    [InlineData("""{"ruleId":"image_low_resolution","page":1,"measured_dpi":72,"required_dpi":150}""", "Image on page 1 is 72 dpi, 150 needed")]
    [InlineData("""{"ruleId":"ink_coverage_high","page":3,"measured_percent":340,"required_percent":300}""", "Ink coverage high on page 3: 340 percent of 300 percent")]
    [InlineData("""{"check":"Spot Colors","message":"Your file uses 3 spot colors."}""", "Your file uses 3 spot colors.")]
    [InlineData("""{"check":"Trimbox"}""", "Trimbox")]
    [InlineData("""{}""", "A preflight check")]
    [InlineData("""[]""", "A preflight check did not pass")]
    public void Describe_Finding_ReadsAsASentence(string json, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, FindingText.Describe(doc.RootElement));
    }
}
