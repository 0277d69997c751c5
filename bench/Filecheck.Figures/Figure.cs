using System.Globalization;

namespace Filecheck.Figures;

/// <summary>How a figure compares with its target: at most, or at least.</summary>
public enum Goal { AtMost, AtLeast }

/// <summary>
/// One measured figure beside the floor it is compared with (measured in the same run, so the ratio holds on a busy
/// machine where the absolute value drifts). <see cref="Target"/> applies to <see cref="Ratio"/> when
/// <see cref="TargetIsRatio"/>, else to <see cref="Value"/>.
/// </summary>
public sealed record Figure(string Group, string Name, double Value, string Unit)
{
    public double? Floor { get; init; }
    public string? FloorName { get; init; }
    public double? Target { get; init; }
    public bool TargetIsRatio { get; init; }
    public Goal Goal { get; init; } = Goal.AtMost;
    public string? Note { get; init; }

    public double? Ratio => Floor is > 0 ? Value / Floor.Value : null;

    public bool? Met
    {
        get
        {
            var measured = TargetIsRatio ? Ratio : Value;
            if (Target is not { } target || measured is not { } m) return null;
            return Goal == Goal.AtMost ? m <= target : m >= target;
        }
    }

    public string TargetText => Target is not { } t ? "" :
        (Goal == Goal.AtMost ? "≤ " : "≥ ") + Format(t) + (TargetIsRatio ? "×" : " " + Unit);

    public static string Format(double v) => Math.Abs(v) switch
    {
        >= 100 => v.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => v.ToString("0.00", CultureInfo.InvariantCulture),
        _ => v.ToString("0.000", CultureInfo.InvariantCulture),
    };
}

/// <summary>One part of the run (page, memory, lookup, ...): what it measures, against the host the run shares.</summary>
public interface IMeasurement
{
    string Name { get; }
    Task<IReadOnlyList<Figure>> RunAsync(BenchContext context);
}

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
