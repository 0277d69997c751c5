using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>The round form suggests only the order's jobs that came after the current round and are not on the link.</summary>
public sealed class RoundSuggestionsTests
{
    [Fact]
    public void Later_CurrentRoundInTheList_KeepsOnlyNewerJobsNotOnTheLink()
    {
        string[] newestFirst = ["job_e", "job_d", "job_c", "job_b", "job_older", "job_a"];

        Assert.Equal(["job_e", "job_c"], RoundSuggestions.Later(newestFirst, "job_b", ["job_a", "job_b", "job_d"]));
    }

    [Fact]
    public void Later_CurrentRoundNotInTheList_KeepsEveryJobNotOnTheLink()
    {
        Assert.Equal(["job_z"], RoundSuggestions.Later(["job_z", "job_y"], "job_gone", ["job_y"]));
    }

    [Fact]
    public void Later_CurrentRoundIsTheNewest_SuggestsNothing()
    {
        Assert.Empty(RoundSuggestions.Later(["job_b", "job_a"], "job_b", ["job_b"]));
    }
}
