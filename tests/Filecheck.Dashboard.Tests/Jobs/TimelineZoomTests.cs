using Bunit;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Jobs.Timeline;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Filecheck.Dashboard.Tests.Jobs;

public sealed class TimelineZoomTests : ComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public TimelineZoomTests() : base(ComponentUpstream.None)
    {
    }

    /// <summary>Files of one 100-second step each, created at T0: the axis runs 0..100 s.</summary>
    private static Job Job(int files) => new()
    {
        Id = "job_z", Status = JobStatus.Done, CreatedAt = T0,
        Tasks = Enumerable.Range(0, files).Select(i => new JobTask
        {
            Id = "t" + i, Outcome = Outcome.Pass, OriginalArtifact = new Artifact { FileName = $"file-{i}.pdf" },
            Steps = [new Step { Id = "s", Type = "preflight", Status = JobStatus.Done, Outcome = Outcome.Pass, Started = T0, Ended = T0.AddSeconds(100), Duration = 100_000 }],
        }).ToList(),
    };

    [Fact]
    public void FromDrag_AcrossAQuarterOfTheWholeJob_ZoomsToThoseSeconds()
    {
        var whole = JobTimeline.Build(Job(1), T0.AddHours(1));
        Assert.Equal(new ZoomSeconds(25, 50), TimelineZoom.FromDrag(whole, 0.5, 0.25));
    }

    [Fact]
    public void FromDrag_InsideAZoomedAxis_IsRelativeToWhatIsShown()
    {
        var job = Job(1);
        var shown = JobTimeline.Build(job, T0.AddHours(1), new TimelineRange(T0.AddSeconds(20), T0.AddSeconds(60)));
        Assert.Equal(new ZoomSeconds(30, 40), TimelineZoom.FromDrag(shown, 0.25, 0.5));
    }

    [Theory]
    [InlineData(0.5, 0.505)]
    [InlineData(double.NaN, 0.5)]
    public void FromDrag_AClickOrNonsense_ChangesNothing(double a, double b)
    {
        Assert.Null(TimelineZoom.FromDrag(JobTimeline.Build(Job(1), T0.AddHours(1)), a, b));
    }

    [Fact]
    public void ForKey_PlusMinusAndArrows_ZoomAndMoveWithinTheJob()
    {
        var job = Job(1);
        var whole = JobTimeline.Build(job, T0.AddHours(1));
        JobTimeline Shown(ZoomSeconds z) => JobTimeline.Build(job, T0.AddHours(1), new TimelineRange(T0.AddSeconds(z.From), T0.AddSeconds(z.To)));

        var inOnce = TimelineZoom.ForKey(whole, whole, "+")!.Value;
        Assert.Equal(new ZoomSeconds(25, 75), inOnce);
        var right = TimelineZoom.ForKey(Shown(inOnce), whole, "ArrowRight")!.Value;
        Assert.Equal(new ZoomSeconds(37.5, 87.5), right);
        // Moving past the end stops at the end, keeping the width.
        var further = TimelineZoom.ForKey(Shown(new ZoomSeconds(40, 90)), whole, "ArrowRight")!.Value;
        Assert.Equal(new ZoomSeconds(50, 100), further);
        var left = TimelineZoom.ForKey(Shown(new ZoomSeconds(5, 55)), whole, "ArrowLeft")!.Value;
        Assert.Equal(new ZoomSeconds(0, 50), left);
        // Zooming out to the whole job clears the zoom.
        Assert.Null(TimelineZoom.ForKey(Shown(inOnce), whole, "-"));
        // Arrows on an unzoomed axis do nothing.
        Assert.Null(TimelineZoom.ForKey(whole, whole, "ArrowLeft"));
    }

    [Fact]
    public void TimelineView_OneFileJob_DrawsItsRowWithoutScrolling()
    {
        var view = Ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, JobTimeline.Build(Job(1), T0.AddHours(1))));
        var row = Assert.Single(view.FindAll("[data-testid=timeline-row]"));
        Assert.Contains("file-0.pdf", row.TextContent);
    }

    [Fact]
    public void TimelineView_AtTheThreshold_DrawsEveryRowAndAboveItVirtualizes()
    {
        var plain = Ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, JobTimeline.Build(Job(TimelineView.VirtualizeAbove), T0.AddHours(1))));
        Assert.Equal(TimelineView.VirtualizeAbove, plain.FindAll("[data-testid=timeline-row]").Count);

        var large = Ctx.Render<TimelineView>(p => p.Add(x => x.Timeline, JobTimeline.Build(Job(TimelineView.VirtualizeAbove + 700), T0.AddHours(1))));
        Assert.True(large.FindAll("[data-testid=timeline-row]").Count < TimelineView.VirtualizeAbove + 700);
    }

    [Fact]
    public void FilesTable_AtTheThreshold_DrawsEveryRowAndAboveItVirtualizes()
    {
        var plain = Ctx.Render<FilesTable>(p => p.Add(x => x.Tasks, Job(FilesTable.VirtualizeAbove).Tasks!).Add(x => x.State, new JobViewState()));
        Assert.Equal(FilesTable.VirtualizeAbove, plain.FindAll("[data-testid=files-row]").Count);

        var large = Ctx.Render<FilesTable>(p => p.Add(x => x.Tasks, Job(FilesTable.VirtualizeAbove + 700).Tasks!).Add(x => x.State, new JobViewState()));
        Assert.True(large.FindAll("[data-testid=files-row]").Count < FilesTable.VirtualizeAbove + 700);
    }
}
