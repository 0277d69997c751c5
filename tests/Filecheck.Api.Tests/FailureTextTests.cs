namespace Filecheck.Api.Tests;

public sealed class FailureTextTests
{
    [Theory]
    [InlineData(FilecheckFailureKind.NotFound, "Filecheck has no job with this ID. Check for a typo, or whether it was made with another account's key.")]
    [InlineData(FilecheckFailureKind.KeyRejected, "Filecheck refused the dashboard's API key. An administrator needs to check the Filecheck:ApiKey setting.")]
    [InlineData(FilecheckFailureKind.Unavailable, "Filecheck is not answering right now. Try again in a minute.")]
    [InlineData(FilecheckFailureKind.Malformed, "Filecheck sent an answer the dashboard could not read.")]
    [InlineData(FilecheckFailureKind.RateLimited, "Filecheck asked us to slow down. Try again in a minute.")]
    public void For_EachKind_GivesItsSentence(FilecheckFailureKind kind, string expected)
    {
        Assert.Equal(expected, FilecheckFailureText.For(new FilecheckFailure(kind, "HTTP 999 detail")));
    }

    [Fact]
    public void For_InvalidRequest_QuotesTheAppMessage()
    {
        var failure = new FilecheckFailure(FilecheckFailureKind.InvalidRequest, "limit must be 1-100");

        Assert.Equal("Filecheck refused the request: limit must be 1-100", failure.Describe());
    }

    [Theory]
    [InlineData(0.2, "1 second")]
    [InlineData(1, "1 second")]
    [InlineData(2, "2 seconds")]
    [InlineData(29.1, "30 seconds")]
    public void For_RateLimitedWithRetryAfter_SaysHowLong(double seconds, string expected)
    {
        var failure = new FilecheckFailure(FilecheckFailureKind.RateLimited, "HTTP 429", 429, TimeSpan.FromSeconds(seconds));

        Assert.Equal($"Filecheck asked us to slow down. Try again in {expected}.", failure.Describe());
    }

    [Fact]
    public void For_EveryKind_HasASentence()
    {
        foreach (var kind in Enum.GetValues<FilecheckFailureKind>())
        {
            var text = FilecheckFailureText.For(new FilecheckFailure(kind, "x"));
            Assert.StartsWith("Filecheck ", text);
            Assert.EndsWith(kind == FilecheckFailureKind.InvalidRequest ? "x" : ".", text);
        }
    }
}
