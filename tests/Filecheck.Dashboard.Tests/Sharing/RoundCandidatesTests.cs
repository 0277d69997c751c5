using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>Which live links a checked job is offered to as the next round, on the job's page.</summary>
public sealed class RoundCandidatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> NoOrders = [];

    private static ShareSummary Share(long id, string jobId = "job_a", string name = "brochure.pdf", string? order = null,
        DateTimeOffset? expires = null, DateTimeOffset? revoked = null, IReadOnlyList<ShareDecisionRecord>? decisions = null,
        IReadOnlyList<ShareRoundRecord>? rounds = null) =>
        new(id, order, "Casey", Now.AddDays(-1), expires ?? Now.AddDays(7), revoked, null, false, true, null, "Lena", null, 0, null, 0,
            [new SharedFileRecord { ShareId = id, Position = 1, JobId = jobId, TaskId = "task_1", Name = name }], decisions ?? [], ShareState.Awaiting)
        {
            Rounds = rounds ?? [],
        };

    private static JobReport Job(string id = "job_new", string? order = "order_1", string? recheckOf = null, string? recheckFile = null, string name = "brochure.pdf") =>
        new(id, order, true, [new FileReport("task_9", name, "pass", [])]) { RecheckOf = recheckOf, RecheckFile = recheckFile };

    private static ShareDecisionRecord Decision(int round, string decision) =>
        new() { ShareId = 1, Position = 1, Round = round, Decision = decision, Name = "Lena" };

    [Fact]
    public void For_CheckedAgainFromASharedFile_OffersTheNextRoundOfThatFile()
    {
        var offers = RoundCandidates.For(Job(recheckOf: "job_a", recheckFile: "task_1", name: "corrected.pdf"), [Share(1)], NoOrders, Now);

        var offer = Assert.Single(offers);
        Assert.Equal((1L, 1, 2), (offer.ShareId, offer.Position, offer.NextRound));
        Assert.Equal("checked again from round 1", offer.Why);
    }

    [Fact]
    public void For_CheckedAgainFromAnotherFileOfTheJob_OffersNothing()
    {
        Assert.Empty(RoundCandidates.For(Job(recheckOf: "job_a", recheckFile: "task_other", order: null), [Share(1)], NoOrders, Now));
    }

    [Fact]
    public void For_ExpiredRevokedApprovedOrAlreadyAdded_OffersNothing()
    {
        var job = Job(recheckOf: "job_a");
        ShareSummary[] shares =
        [
            Share(1, expires: Now.AddSeconds(-1)),
            Share(2, revoked: Now.AddHours(-1)),
            Share(3, decisions: [Decision(1, ShareDecisions.Approved)]),
            Share(4, rounds: [new ShareRoundRecord { ShareId = 4, Position = 1, Round = 2, JobId = "job_new", TaskId = "task_9", AddedBy = "Casey" }]),
        ];

        Assert.Empty(RoundCandidates.For(job, shares, NoOrders, Now));
        Assert.False(RoundCandidates.AnyOpen(shares[..3], Now));
    }

    [Fact]
    public void For_ChangesRequestedOnRound2_OffersRound3FromTheJobCheckedAgainFromRound2()
    {
        var share = Share(1, decisions: [Decision(1, ShareDecisions.ChangesRequested), Decision(2, ShareDecisions.ChangesRequested)],
            rounds: [new ShareRoundRecord { ShareId = 1, Position = 1, Round = 2, JobId = "job_b", TaskId = "task_5", Name = "brochure.pdf", AddedBy = "Casey" }]);

        var offer = Assert.Single(RoundCandidates.For(Job(recheckOf: "job_b", recheckFile: "task_5"), [share], NoOrders, Now));

        Assert.Equal(3, offer.NextRound);
        Assert.Equal("checked again from round 2", offer.Why);
    }

    [Fact]
    public void For_LaterJobOfTheSameOrderAndFileName_IsOffered_OnlyWhenTheOrderMatches()
    {
        ShareSummary[] shares = [Share(1, jobId: "job_a"), Share(2, jobId: "job_c"), Share(3, jobId: "job_d", order: "order_1"), Share(4, jobId: "job_e", name: "other.pdf")];
        var job = Job();

        Assert.Equal(["job_a", "job_c"], RoundCandidates.JobsNeedingOrder(job, shares, Now));
        var offers = RoundCandidates.For(job, shares, new Dictionary<string, string?> { ["job_a"] = "order_1", ["job_c"] = "order_2" }, Now);

        Assert.Equal([1L, 3L], offers.Select(o => o.ShareId));
        Assert.All(offers, o => Assert.Equal("same order order_1 and file name", o.Why));
    }

    [Fact]
    public void For_JobWithoutAnOrder_IsNotMatchedByFileNameAlone()
    {
        Assert.Empty(RoundCandidates.JobsNeedingOrder(Job(order: null), [Share(1)], Now));
        Assert.Empty(RoundCandidates.For(Job(order: null), [Share(1)], new Dictionary<string, string?> { ["job_a"] = null }, Now));
    }
}
