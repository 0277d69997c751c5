namespace Filecheck.Dashboard.Trends.Statistics;

/// <summary>A pass rate compared between two periods.</summary>
public sealed record ProportionTest(double Before, double After, double Z, double PValue);

/// <summary>The tests "what changed" runs; plain functions, unit-tested without a page.</summary>
public static class ChangeTests
{
    public const double FamilyWiseAlpha = 0.05;
    public const int MinJobsPerSide = 30;
    public const int MinStepsPerSide = 30;
    public const double MinDurationChange = 0.25;

    /// <summary>Two-sided two-proportion z-test with the pooled standard error; null when a side is empty or nothing varies.</summary>
    public static ProportionTest? TwoProportion(long passBefore, long nBefore, long passAfter, long nAfter)
    {
        if (nBefore <= 0 || nAfter <= 0) return null;
        var p1 = (double)passBefore / nBefore;
        var p2 = (double)passAfter / nAfter;
        var pooled = (double)(passBefore + passAfter) / (nBefore + nAfter);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / nBefore + 1.0 / nAfter));
        if (se == 0) return new ProportionTest(p1, p2, 0, 1);
        var z = (p2 - p1) / se;
        return new ProportionTest(p1, p2, z, 2 * (1 - NormalCdf(Math.Abs(z))));
    }

    /// <summary>
    /// Holm's step-down correction: which of the p-values are significant with at most <paramref name="alpha"/> chance
    /// of any false alarm among them all. Returns one flag per input, in input order.
    /// </summary>
    public static bool[] Holm(IReadOnlyList<double> pValues, double alpha = FamilyWiseAlpha)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var significant = new bool[m];
        for (var k = 0; k < m; k++)
        {
            if (pValues[order[k]] > alpha / (m - k)) break;
            significant[order[k]] = true;
        }
        return significant;
    }

    /// <summary>A p95 change that counts: at least 25% either way, with enough steps on both sides.</summary>
    public static bool DurationChanged(double? before, long nBefore, double? after, long nAfter) =>
        before is > 0 && after is { } a && nBefore >= MinStepsPerSide && nAfter >= MinStepsPerSide
        && Math.Abs(a / before.Value - 1) >= MinDurationChange;

    /// <summary>Standard normal CDF via erf (Abramowitz–Stegun 7.1.26, error below 1.5e-7).</summary>
    public static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
