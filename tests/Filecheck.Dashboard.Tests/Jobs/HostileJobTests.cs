using System.Text.Json;
using Filecheck.Api;
using Filecheck.Api.Models;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Jobs.Answer;
using Filecheck.Dashboard.Jobs.Files;
using Filecheck.Dashboard.Jobs.Steps;
using Filecheck.Dashboard.Jobs.Timeline;
using Filecheck.Dashboard.Shell;
using Filecheck.Testing;
using Filecheck.Dashboard.History;

namespace Filecheck.Dashboard.Tests.Jobs;

/// <summary>
/// The job page's plain models over the browser sweep's hostile answers (valid by the spec, extreme): each is read as the
/// client reads it, and every model the page draws from is built without an exception and with sane geometry.
/// </summary>
public sealed class HostileJobTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static TheoryData<string> CaseIds() => [.. Cases().Select(c => c.JobId)];

    private static IReadOnlyList<HostileAnswers.Case> Cases() => HostileAnswers.Cases(new Uri("http://127.0.0.1:5099/"), manyFiles: 50);

    /// <summary>As the dashboard's client reads it: the same source-generated context.</summary>
    private static Job Read(string jobId)
    {
        var json = Cases().Single(c => c.JobId == jobId).JobResponse.ToJsonString();
        return JsonSerializer.Deserialize(json, FilecheckJsonContext.Default.JobResponse)!.Job!;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void JobModels_HostileAnswer_BuildWithBarsInsideTheAxis(string jobId)
    {
        var job = Read(jobId);

        var timeline = JobTimeline.Build(job, Now);
        var times = JobTimes.For(job, Now);
        var facts = TimeFacts.For(times, job);
        var rows = FileRows.Query(job.Tasks ?? [], null, null, "duration", desc: true);
        var answer = JobAnswer.For(job);
        foreach (var step in (job.Tasks ?? []).SelectMany(t => t.Steps ?? []))
        {
            _ = StepReport.Read(step);
            _ = Format.DurationMs(step.Duration);
        }
        var json = SignedUrls.RedactedJson(job, indented: true);

        Assert.All(timeline.Rows.SelectMany(r => r.Bars), b =>
        {
            Assert.InRange(b.OffsetPercent, 0, 100);
            Assert.InRange(b.OffsetPercent + b.WidthPercent, 0, 100.0001);
        });
        Assert.All(timeline.Rows.SelectMany(r => r.Waits), w => Assert.InRange(w.OffsetPercent + w.WidthPercent, 0, 100.0001));
        Assert.All(timeline.Ticks, t => Assert.InRange(t.OffsetPercent, 0, 100.0001));
        Assert.Equal(job.Tasks?.Count ?? 0, rows.Count);
        Assert.NotEmpty(facts);
        Assert.NotNull(answer.Headline);
        Assert.Contains(jobId, json);
    }

    [Fact]
    public void Timeline_HugeAndNegativeDurations_FallBackToTheTimesAndSumsStopAtTheLargestSpan()
    {
        var job = Read("job_hostile_time");

        var timeline = JobTimeline.Build(job, Now);
        var times = JobTimes.For(job, Now);

        var bars = timeline.Rows.SelectMany(r => r.Bars).ToDictionary(b => b.StepId);
        // 1e300 ms is no duration: the bar takes its ten seconds from the times.
        Assert.Equal(TimeSpan.FromSeconds(10), bars["step_time_1"].Duration);
        // -1e300 ms likewise: one second.
        Assert.Equal(TimeSpan.FromSeconds(1), bars["step_time_4"].Duration);
        // Ended before it started: not drawn, listed as untimed.
        Assert.DoesNotContain("step_time_2", bars.Keys);
        Assert.Contains(timeline.Rows.SelectMany(r => r.Untimed), u => u.StepId == "step_time_2" && u.Problem == "ended before it started");
        // Year 1 to year 9999 is a span; adding it to the others stays within one.
        Assert.True(timeline.StepTime > TimeSpan.FromDays(3_000_000));
        Assert.True(times.StepTimeSum > TimeSpan.FromDays(3_000_000));
    }

    [Theory]
    [InlineData(1e300, null)]
    [InlineData(-4_000d, null)]
    [InlineData(double.MaxValue, null)]
    [InlineData(2_000d, 2_000d)]
    public void DurationSpan_AnAnswersFigure_IsUsedOnlyWhenItIsADuration(double ms, double? expectedMs)
    {
        var step = new Step { Id = "s", Duration = ms };

        Assert.Equal(expectedMs is { } e ? TimeSpan.FromMilliseconds(e) : null, step.DurationSpan);
        Assert.Equal(expectedMs is null ? null : (long)expectedMs, JobContribution.DurationOf(new StepRecord { JobId = "j", TaskId = "t", Id = "s", DurationMs = ms }));
    }

    [Fact]
    public void Format_DurationNoSpanHolds_ReadsAsADash_ANegativeOneAsItSays()
    {
        Assert.Equal("—", Format.DurationMs(1e300));
        Assert.Equal("—", Format.DurationMs(-double.MaxValue));
        Assert.Equal("−4.0 s", Format.DurationMs(-4_000));
        Assert.Equal("−" + Format.Duration(TimeSpan.MaxValue), Format.Duration(TimeSpan.MinValue));
    }

    [Fact]
    public void StatusStyle_UnknownWordOf10KB_IsShortenedWithoutSplittingAnEmoji()
    {
        var style = StatusStyle.ForStatus(HostileAnswers.TenKilobytes);
        var emoji = StatusStyle.ForOutcome(new string('a', StatusStyle.MaxWordLength - 2) + "\U0001F4A9\U0001F4A9");

        Assert.Equal(StatusStyle.MaxWordLength, style.Label.Length);
        Assert.EndsWith("…", style.Label);
        Assert.Equal(style.Label, style.Raw);
        Assert.False(char.IsHighSurrogate(emoji.Label[^2]), emoji.Label);
        Assert.Equal("teleporting", StatusStyle.ForStatus("teleporting").Label);
    }

    [Fact]
    public void DisplayName_RightToLeftOverride_IsShownAsItsCodePoint_RightToLeftScriptsAreKept()
    {
        var job = Read("job_hostile_text");
        var name = job.Tasks!.Single(t => t.Id == "task_text_1").DisplayName;

        Assert.DoesNotContain('\u202E', name);
        Assert.DoesNotContain('\u202C', name);
        Assert.Contains("[U+202E]fdp.exe[U+202C]", name);
        Assert.Contains("שלום עולם مرحبا", name);
        Assert.Equal("report.pdf", new JobTask { Id = "t", OriginalArtifact = new Artifact { FileName = "report.pdf" } }.DisplayName);
        Assert.Equal("a[U+2067]b[U+2069]", VisibleText.DirectionControls("a\u2067b\u2069"));
    }

    [Fact]
    public void Answer_ReasonOf10KB_IsCutForReadingOut_TheStepLinkLeadsToAllOfIt()
    {
        var job = Read("job_hostile_text");
        var answer = JobAnswer.For(job);

        var items = answer.Files.SelectMany(f => f.Items).ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.True(i.Text.Length <= JobAnswer.MaxItemLength, $"{i.Text.Length} characters"));
        Assert.Contains(items, i => i.Text.EndsWith('…') && i.StepId == "step_text_2");
    }

    [Theory]
    [InlineData("short reason", 20, "short reason")]
    [InlineData("one two three four five", 12, "one two…")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…")]
    public void Clip_CutsAtAWordWhereOneIsNear(string text, int max, string expected)
    {
        Assert.Equal(expected, VisibleText.Clip(text, max));
        Assert.True(VisibleText.Clip(text, max).Length <= max);
    }

    [Theory]
    [InlineData("one two three", 8, "one two…")]
    [InlineData("abc", 1, "…")]
    [InlineData("abcdef", 2, "a…")]
    [InlineData("exactly ten", 11, "exactly ten")]
    public void Clip_EdgesAndWordEnds(string text, int max, string expected) => Assert.Equal(expected, VisibleText.Clip(text, max));

    [Fact]
    public void Clip_NoRoom_IsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => VisibleText.Clip("abc", 0));

    [Fact]
    public void Clip_NeverSplitsWhatReadsAsOneCharacter()
    {
        // A family emoji joined by zero-width joiners, a flag, and an e with a combining accent.
        foreach (var one in new[] { "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1E9\U0001F1EA", "e\u0301" })
        {
            var text = "abcdef" + one + one + one;
            for (var max = 7; max < text.Length; max++)
            {
                var kept = VisibleText.Clip(text, max)[..^1];
                Assert.True(kept.Length <= max - 1, kept);
                Assert.Equal(0, (kept.Length - 6) % one.Length);
            }
        }
    }

    [Fact]
    public void Answer_FixesAndReasonsAtTheLimit_StayWithinIt_AWhitespaceFixIsSkipped()
    {
        var longFix = new string('x', 295) + " done";
        var job = new Job
        {
            Id = "job_fix", Status = "done", Outcome = "fixed",
            Tasks = [new JobTask
            {
                Id = "t1", Status = "done", Outcome = "fixed",
                Steps =
                [
                    new Step { Id = "s1", Type = "autofix", Status = "done", Outcome = "fixed",
                        RuntimeParams = JsonDocument.Parse(JsonSerializer.Serialize(new { messages = new[] { "   ", longFix, "Bleed added" } })).RootElement },
                    new Step { Id = "s2", Type = "validate", Status = "done", Outcome = "fail", Reason = new string('r', JobAnswer.MaxItemLength) },
                ],
            }],
        };

        var items = JobAnswer.For(job).Files.SelectMany(f => f.Items).ToList();

        Assert.All(items, i => Assert.True(i.Text.Length <= JobAnswer.MaxItemLength, $"{i.Text.Length}: {i.Text}"));
        Assert.Equal(2, items.Count(i => i.Kind == AnswerItemKind.Fixed));
        Assert.Contains(items, i => i.Text == "Fixed automatically: bleed added.");
    }

    [Fact]
    public void Clip_NeverSplitsAnEmoji()
    {
        var text = new string('a', 8) + "\U0001F4A9\U0001F4A9\U0001F4A9";
        var clipped = VisibleText.Clip(text, 10);

        Assert.False(char.IsHighSurrogate(clipped[^2]), clipped);
        Assert.EndsWith("…", clipped);
    }
}
