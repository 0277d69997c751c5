using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Tests.Jobs;

public sealed class RawJsonPreviewTests
{
    [Fact]
    public void Of_SmallJson_ShowsAllOfIt()
    {
        var json = "{\n  \"id\": \"job_a\"\n}";

        var preview = RawJsonPreview.Of(json, maxShownChars: 100);

        Assert.False(preview.IsCut);
        Assert.Equal(json, preview.Shown);
        Assert.Equal(preview.TotalBytes, preview.ShownBytes);
    }

    [Fact]
    public void Of_LargeJson_ShowsWholeLinesUpToTheLimitAndCountsAllBytes()
    {
        var lines = Enumerable.Range(0, 1_000).Select(i => $"  \"k{i}\": \"é{i}\",");
        var json = "{\n" + string.Join('\n', lines) + "\n}";

        var preview = RawJsonPreview.Of(json, maxShownChars: 1_000);

        Assert.True(preview.IsCut);
        Assert.True(preview.Shown.Length <= 1_000);
        Assert.StartsWith(preview.Shown, json);
        Assert.EndsWith(",", preview.Shown);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(json), preview.TotalBytes);
        Assert.True(preview.ShownBytes < preview.TotalBytes);
    }
}
