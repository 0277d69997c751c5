using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs;

/// <summary>The five outcome groups of every chart and CSV, in the words of the job page.</summary>
public static class OutcomeGroup
{
    public const string Pass = "pass";
    public const string Fixed = "fixed";
    public const string Warn = "warn";
    public const string Fail = "fail";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [Pass, Fixed, Warn, Fail, Other];

    /// <summary>unchanged, na, mixed, null and unknown words are all "other".</summary>
    public static string Of(string? outcome) => outcome switch
    {
        Outcome.Pass => Pass,
        Outcome.Fixed => Fixed,
        Outcome.Warn => Warn,
        Outcome.Fail => Fail,
        _ => Other,
    };

    public static string Label(string group) => group switch
    {
        Pass => "Clean",
        Fixed => "Fixed",
        Warn => "Warnings",
        Fail => "Failed",
        _ => "Other",
    };
}
