using System.Text.Json;
using System.Text.Json.Nodes;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Tests.Support;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.Dashboard.Tests.Jobs;

public sealed class JobPartsTests : ComponentTest
{
    [Fact]
    public async Task JobUrl_EveryViewState_RoundTripsThroughTheQueryString()
    {
        var state = new JobViewState { Tab = JobTabs.Files, File = "task_a", Step = "step_preflight_1", ZoomFile = "task_a", From = 1.5, To = 30, Filter = "front card", Outcome = "fail", Sort = "duration", Desc = true };

        var url = Urls.Job("job_abc", state);

        Assert.Equal("/jobs/job_abc?tab=files&file=task_a&step=step_preflight_1&zoom=task_a&from=1.5&to=30&q=front%20card&outcome=fail&sort=duration&desc=1", url);
        Assert.Equal("/jobs/job_abc", Urls.Job("job_abc", new JobViewState { Tab = JobTabs.Timeline }));

        // Back: the job page opened at that URL reads every part of it. Escape closes the step and navigates to the
        // view it parsed minus the step, so any part it failed to read back is missing from the new URL.
        var navigation = Ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(Urls.Job(FakeJobs.Full, state));
        RenderMode(interactive: true);
        var page = Ctx.Render<JobPage>(p => p.Add(x => x.Id, FakeJobs.Full));
        page.WaitForState(() => page.FindAll("[data-testid=job-header]").Count > 0, TimeSpan.FromSeconds(15));

        await page.InvokeAsync(() => page.Instance.OnShortcut("Escape"));

        Assert.Equal(Urls.Job(FakeJobs.Full, state with { Step = null }), "/" + navigation.ToBaseRelativePath(navigation.Uri));
    }

    [Fact]
    public void JobUrl_HostileIdOrValues_AreEscaped()
    {
        var url = Urls.Job("job_x/../admin", new JobViewState { Filter = "a&b=c#d" });

        Assert.Equal("/jobs/job_x%2F..%2Fadmin?q=a%26b%3Dc%23d", url);
    }

    [Fact]
    public void FileRowsQuery_OutcomeFilterAndDurationSort_KeepsOnlyThatOutcomeLongestFirst()
    {
        var tasks = new[]
        {
            Task("t1", "a.pdf", "fail", 3000), Task("t2", "b.pdf", "pass", 9000), Task("t3", "c.pdf", "fail", 7000), Task("t4", "d.pdf", null, 0),
        };

        var rows = FileRows.Query(tasks, filter: null, outcome: "fail", sort: "duration", desc: true);

        Assert.Equal(["c.pdf", "a.pdf"], rows.Select(r => r.Name));
        Assert.Equal(["d.pdf"], FileRows.Query(tasks, null, "none", null, false).Select(r => r.Name));
        Assert.Equal(["b.pdf"], FileRows.Query(tasks, "B.P", null, null, false).Select(r => r.Name));
    }

    [Fact]
    public void SignedUrlsRedact_FixtureJob_RemovesEverySignedUrlAndKeepsTheRest()
    {
        var text = File.ReadAllText(Fixtures.Path("job.full.json"));
        var job = JsonSerializer.Deserialize(text, FilecheckJsonContext.Default.JobResponse)!.Job!;

        var redacted = SignedUrls.RedactedJson(job);

        Assert.DoesNotContain("X-Amz-Signature", redacted);
        Assert.DoesNotContain("amazonaws.com", redacted);
        var node = JsonNode.Parse(redacted)!;
        Assert.Equal(SignedUrls.Placeholder, (string?)node["deliverables"]![0]!["downloadUrl"]);
        Assert.Equal("business-card.pdf", (string?)node["deliverables"]![0]!["fileName"]);
        Assert.Equal(7000, (double?)node["tasks"]![0]!["steps"]![0]!["duration"]);
    }

    private static JobTask Task(string id, string name, string? outcome, double ms) => new()
    {
        Id = id,
        Outcome = outcome,
        OriginalArtifact = new Artifact { FileName = name },
        Steps = ms > 0 ? [new Step { Id = "s", Duration = ms }] : [],
    };
}

internal static class Fixtures
{
    /// <summary>The vendor's fixtures, copied from the repository's spec/filecheck/ beside the test assembly.</summary>
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "spec", "filecheck", "fixtures", name);
}
