using Filecheck.Testing;

namespace Filecheck.Sandbox.Tests;

/// <summary>The browser sweep's hostile answers are extreme, not wrong: each one is valid by the vendor's spec.</summary>
public sealed class HostileAnswerSpecTests
{
    // As published: the fixture-required fields would demand keys (wfPhase, deliverables, ...) that a minimal answer leaves out.
    private static readonly SpecValidator Spec = new(requireFixtureFields: false);
    private static readonly Uri Files = new("http://127.0.0.1:5099/");

    public static TheoryData<string> CaseIds() => [.. HostileAnswers.Cases(Files, manyFiles: 3).Select(c => c.JobId)];

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void HostileCase_JobAndRuns_AreValidBySpec(string jobId)
    {
        // The 5,000-file job has the shape of its 3-file version; the spec check of the full size is the same check, slower.
        var hostile = HostileAnswers.Cases(Files, manyFiles: 3).Single(c => c.JobId == jobId);
        Spec.AssertValid("JobResponse", hostile.JobResponse.ToJsonString(), jobId);
        Spec.AssertValid("RunsResponse", hostile.RunsResponse.ToJsonString(), jobId + "?expand=runs");
    }

    [Theory]
    [InlineData("workflows")]
    [InlineData("rules")]
    public void HostileLibrary_IsValidBySpec(string kind) =>
        Spec.AssertValid(SpecValidator.ResponseName("get", "/" + kind, 200), HostileAnswers.Library(kind).ToJsonString(), kind);

    [Fact]
    public void HostileCase_WithAStepOutcomeOutsideTheSpec_FailsValidation()
    {
        // The check can fail: the spec's step outcomes are a closed list.
        var job = HostileAnswers.Cases(Files, manyFiles: 3).Single(c => c.JobId == "job_hostile_words").JobResponse.DeepClone()!;
        job["job"]!["tasks"]![0]!["steps"]![0]!["outcome"] = "ambivalent";
        Assert.NotEmpty(Spec.Errors("JobResponse", job.ToJsonString()));
    }
}
