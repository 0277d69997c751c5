using Filecheck.Dashboard.Sharing;

namespace Filecheck.Dashboard.Tests.Sharing;

/// <summary>Staff see the customer's comments numbered as the customer's page numbers them, on the job they were made on.</summary>
public sealed class CommentBoardTests
{
    private static ShareSummary Share(IReadOnlyList<ShareRoundRecord> rounds, params ShareCommentRecord[] comments) =>
        new(7, null, "Casey", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, null, null, false, true, null, "Ada", null, 0, null, 0,
            [new SharedFileRecord { ShareId = 7, Position = 1, JobId = "job_a", TaskId = "task_1", Name = "flyer.pdf" }], [], ShareState.Awaiting)
        {
            Rounds = rounds,
            Comments = comments,
        };

    private static ShareCommentRecord Comment(long id, int round, int proof = 1, string? answer = null) =>
        new() { Id = id, ShareId = 7, Position = 1, Round = round, Proof = proof, X = 0.1 * id, Y = 0.5, Text = "c" + id, Answer = answer };

    private static readonly ShareRoundRecord Round2 = new() { ShareId = 7, Position = 1, Round = 2, JobId = "job_b", TaskId = "task_9", Name = "flyer.pdf", AddedBy = "Casey" };

    [Fact]
    public void For_CommentsOnTwoRounds_NumbersEachRoundFromOneInTheOrderWritten()
    {
        var board = CommentBoard.For([Share([Round2], Comment(5, 1), Comment(2, 1, proof: 2), Comment(9, 2))]);

        Assert.Equal([2, 1], board.Select(r => r.File.Round));
        Assert.Equal([(1, 9L)], board[0].Comments.Select(c => (c.Number, c.Comment.Id)));
        Assert.Equal([(1, 2L), (2, 5L)], board[1].Comments.Select(c => (c.Number, c.Comment.Id)));
        Assert.True(board[0].IsCurrent);
        Assert.False(board[1].IsCurrent);
        Assert.Equal([1, 2], board[1].Proofs);
        Assert.Equal("job_b", board[0].File.JobId);
    }

    [Fact]
    public void For_AJob_ShowsOnlyTheRoundsOnThatJob_AndCountsOpenComments()
    {
        var share = Share([Round2], Comment(1, 1, answer: "done"), Comment(2, 1), Comment(3, 2));

        var first = Assert.Single(CommentBoard.For([share], "job_a"));
        var second = Assert.Single(CommentBoard.For([share], "job_b"));

        Assert.Equal((1, 1), (first.File.Round, first.Open));
        Assert.Equal((2, 1), (second.File.Round, second.Open));
        Assert.Equal(2, share.OpenComments);
        Assert.Empty(CommentBoard.For([share], "job_other"));
    }

    [Fact]
    public void ForJob_ACorrectedJob_ListsItsRoundsAnswer()
    {
        var share = Share([Round2]) with
        {
            Decisions =
            [
                new ShareDecisionRecord { ShareId = 7, Position = 1, Round = 1, Decision = ShareDecisions.ChangesRequested, Name = "Ada" },
                new ShareDecisionRecord { ShareId = 7, Position = 1, Round = 2, Decision = ShareDecisions.Approved, Name = "Ada" },
            ],
        };

        var onOriginal = ProofApprovals.ForJob([share], "job_a");
        var onCorrected = ProofApprovals.ForJob([share], "job_b");

        // Both jobs' pages tell the whole story of the file: round 1's changes, round 2's approval (on job_b).
        Assert.Equal([(1, "job_a", ShareDecisions.ChangesRequested), (2, "job_b", ShareDecisions.Approved)],
            onOriginal.Select(a => (a.Round, a.JobId, a.Decision!.Decision)));
        Assert.Equal(onOriginal.Select(a => (a.Round, a.JobId)), onCorrected.Select(a => (a.Round, a.JobId)));
        Assert.Empty(ProofApprovals.ForJob([share], "job_other"));
    }
}
