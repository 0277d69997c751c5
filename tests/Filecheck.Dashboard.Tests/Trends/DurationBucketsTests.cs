using CsCheck;
using Filecheck.Dashboard.Trends.Rollups;

namespace Filecheck.Dashboard.Tests.Trends;

public sealed class DurationBucketsTests
{
    private static double Exact(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = Math.Max(1, (int)Math.Ceiling(p * sorted.Length));
        return sorted[rank - 1];
    }

    [Fact]
    public void Percentile_RandomDurationSets_WithinTwoPercentOfTheExactValue()
    {
        // Durations from 1 ms to about 3 hours, spread on a log scale as step durations are.
        var durations = Gen.Double[0, 7].Select(e => Math.Round(Math.Pow(10, e), 3)).Array[1, 400];
        durations.Sample(values =>
        {
            var buckets = new DurationBuckets();
            foreach (var v in values) buckets.Add(v);
            foreach (var p in new[] { 0.5, 0.95, 0.99, 0.01 })
            {
                var exact = Exact(values, p);
                var estimate = buckets.Percentile(p)!.Value;
                Assert.True(Math.Abs(estimate / exact - 1) <= 0.02, $"p{p * 100}: estimate {estimate} vs exact {exact}");
            }
        }, iter: 2000);
    }

    [Fact]
    public void Merge_TwoHistogramsThroughTheirBytes_EqualsOneHistogramOfAllValues()
    {
        Gen.Select(Gen.Int[1, 500_000].Array[0, 100], Gen.Int[1, 500_000].Array[0, 100]).Sample((a, b) =>
        {
            var left = new DurationBuckets();
            foreach (var v in a) left.Add(v);
            var right = new DurationBuckets();
            foreach (var v in b) right.Add(v);
            var all = new DurationBuckets();
            foreach (var v in a.Concat(b)) all.Add(v);
            var merged = DurationBuckets.FromBytes(left.ToBytes());
            merged.AddBytes(right.ToBytes());
            Assert.Equal(all.Counts, merged.Counts);
            Assert.Equal(all.Count, merged.Count);
        });
    }

    [Fact]
    public void AddBytes_SubtractingWhatWasAdded_LeavesNothing()
    {
        var buckets = new DurationBuckets();
        foreach (var v in new[] { 3.0, 1500, 1500, 98_000 }) buckets.Add(v);
        var copy = DurationBuckets.FromBytes(buckets.ToBytes());
        copy.AddBytes(buckets.ToBytes(), sign: -1);
        Assert.True(copy.IsEmpty);
        Assert.Empty(copy.ToBytes());
        Assert.Null(copy.Percentile(0.5));
    }
}
