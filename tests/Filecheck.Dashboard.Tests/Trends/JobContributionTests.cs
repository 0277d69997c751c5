using System.Text.Json;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Tests.Trends;

public sealed class JobContributionTests
{
    /// <summary>Stores hold contributions written by the reflection serializer; the jobs list searches their reasons as text.</summary>
    [Fact]
    public void ToJson_GeneratedSerializer_WritesAndReadsTheStoredFormat()
    {
        var contribution = new JobContribution
        {
            Counted = true, Day = new DateOnly(2026, 11, 2), Channel = "web", WorkflowId = "wf_1", RuleId = "",
            Outcome = OutcomeGroup.Fail,
            Files = [new FilePart("pdf", OutcomeGroup.Fail), new FilePart("", OutcomeGroup.Other)],
            Steps = [new StepPart("pdf", "preflight", StepRollup.Duration, 1234), new StepPart("pdf", "autofix", StepRollup.Wait, 0)],
            Reasons = [new ReasonPart("pdf", "preflight", OutcomeGroup.Fail, "Image on page … is … dpi \"é\"")],
        };
        var stored = JsonSerializer.Serialize(contribution, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.Equal(stored, contribution.ToJson());
        Assert.Equal(stored, JobContribution.FromJson(stored).ToJson());
    }
}
