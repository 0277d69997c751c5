using System.Numerics;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>The time grains of the marginal rollups: a range is read as whole months, then whole weeks, then days.</summary>
public static class RollupGrain
{
    public const string Day = "d";
    public const string Week = "w";
    public const string Month = "m";
    public static IReadOnlyList<string> All { get; } = [Day, Week, Month];

    /// <summary>The Monday that starts <paramref name="day"/>'s week (ISO 8601), for the rollups and the trends page alike.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public static DateOnly Start(string grain, DateOnly day) => grain switch
    {
        Week => WeekStart(day),
        Month => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    public static DateOnly End(string grain, DateOnly start) => grain switch
    {
        Week => start.AddDays(6),
        Month => start.AddMonths(1).AddDays(-1),
        _ => start,
    };

    /// <summary>
    /// The fewest slots (whole months, whole ISO weeks, days) that cover <paramref name="from"/>..<paramref name="to"/>
    /// exactly, each day once: a month where one fits whole, a week where one fits and would not swallow a month's start.
    /// </summary>
    public static List<(string Grain, DateOnly Start)> Decompose(DateOnly from, DateOnly to)
    {
        var slots = new List<(string, DateOnly)>();
        bool MonthFits(DateOnly d) => d.Day == 1 && End(Month, d) <= to;
        var day = from;
        while (day <= to)
        {
            if (MonthFits(day))
            {
                slots.Add((Month, day));
                day = day.AddMonths(1);
            }
            else if (day.DayOfWeek == DayOfWeek.Monday && day.AddDays(6) <= to
                     && !Enumerable.Range(1, 6).Any(i => MonthFits(day.AddDays(i))))
            {
                slots.Add((Week, day));
                day = day.AddDays(7);
            }
            else
            {
                slots.Add((Day, day));
                day = day.AddDays(1);
            }
        }
        return slots;
    }
}

/// <summary>Which dimensions a marginal row keeps: the others are summed over and hold <c>*</c>.</summary>
public static class RollupCombo
{
    public const int Channel = 1;
    public const int Workflow = 2;
    public const int Rule = 4;
    public const int FileType = 8;
    /// <summary>Step rows only: the step type is kept (without it, <c>*</c> sums every type).</summary>
    public const int StepType = 16;
    public const string All = "*";

    /// <summary>Outcomes, and step durations over all types: every view with at most one filter, and its breakdown by one more dimension.</summary>
    public const int MaxDimensions = 2;
    /// <summary>
    /// Per step type (durations and waits per period and type) and reasons: they depend on the filters only, not on a
    /// breakdown, so one dimension is enough; a view with more filters reads the daily rows.
    /// </summary>
    public const int MaxTypedDimensions = 1;

    public static IReadOnlyList<int> Outcomes { get; } = Enumerable.Range(0, 16).Where(c => Dimensions(c) <= MaxDimensions).ToList();
    /// <summary>Step rows kept per type (durations), and over all types (durations of a breakdown, waits of a view).</summary>
    public static IReadOnlyList<int> Steps { get; } = Outcomes.Where(c => Dimensions(c) <= MaxTypedDimensions).Select(c => c | StepType)
        .Concat(Outcomes).ToList();
    public static IReadOnlyList<int> Reasons { get; } = Outcomes.Where(c => Dimensions(c) <= MaxTypedDimensions).Select(c => c | StepType).ToList();

    /// <summary>
    /// Whether a step row of this kind is kept for the combination: per type, durations (the per-type charts); over all
    /// types, durations with one or two dimensions (a breakdown's p95) and waits with at most one (the waits chart).
    /// A view filtered by step type reads its waits from the daily rows.
    /// </summary>
    public static bool Keeps(int stepCombo, string kind) =>
        (stepCombo & StepType) != 0 ? kind == StepRollup.Duration
        : kind == StepRollup.Duration ? Dimensions(stepCombo) >= 1 : Dimensions(stepCombo) <= MaxTypedDimensions;

    /// <summary>The most dimensions a step read may have to be served from the marginals; -1 when it never is.</summary>
    public static int MaxStepDimensions(bool typed, string? kind, int combo) =>
        kind == StepRollup.Duration ? (typed ? MaxTypedDimensions : Dimensions(combo) >= 1 ? MaxDimensions : -1)
        : kind == StepRollup.Wait && !typed ? MaxTypedDimensions : -1;

    public static int Dimensions(int combo) => BitOperations.PopCount((uint)(combo & 15));

    public static string Keep(int combo, int bit, string value) => (combo & bit) != 0 ? value : All;
}
