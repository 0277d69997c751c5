using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Dashboard.Jobs;

namespace Filecheck.Dashboard.Trends;

/// <summary>One colour per outcome group, the same in every chart, legend and table (the job page's chip colours).</summary>
public static class OutcomeColors
{
    public static string Of(string group) => group switch
    {
        OutcomeGroup.Pass => "#2e7d32",
        OutcomeGroup.Fixed => "#0277bd",
        OutcomeGroup.Warn => "#ef6c00",
        OutcomeGroup.Fail => "#c62828",
        _ => "#8d8d8d",
    };

    /// <summary>The colours in the order of <see cref="OutcomeGroup.All"/>.</summary>
    public static string[] Palette { get; } = OutcomeGroup.All.Select(Of).ToArray();
}
