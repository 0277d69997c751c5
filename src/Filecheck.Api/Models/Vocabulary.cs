namespace Filecheck.Api.Models;

/// <summary>Status is an open vocabulary: unknown values are kept and shown as themselves.</summary>
public static class JobStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Done = "done";
    public const string Skipped = "skipped";
    public const string Error = "error";

    public static bool IsTerminal(string? status) => status is Done or Skipped or Error
        // The spec's intake vocabulary; these three mean the job will not move again.
        or "ready" or "partial" or "rejected";

    public static bool IsActive(string? status) => status is Running or "processing" or "uploading";
}

public enum OutcomeSeverity
{
    Unknown = 0,
    None = 1,
    Good = 2,
    Fixed = 3,
    Warning = 4,
    Failure = 5,
}

/// <summary>Outcome is an open vocabulary; these helpers give the known values a severity and a word.</summary>
public static class Outcome
{
    public const string Pass = "pass";
    public const string Warn = "warn";
    public const string Fail = "fail";
    public const string Fixed = "fixed";
    public const string Unchanged = "unchanged";
    public const string NotApplicable = "na";
    public const string Mixed = "mixed";

    public static OutcomeSeverity Severity(string? outcome) => outcome switch
    {
        null or "" => OutcomeSeverity.None,
        Pass or Unchanged => OutcomeSeverity.Good,
        NotApplicable => OutcomeSeverity.None,
        Fixed => OutcomeSeverity.Fixed,
        Warn => OutcomeSeverity.Warning,
        Fail or Mixed => OutcomeSeverity.Failure,
        _ => OutcomeSeverity.Unknown,
    };

    /// <summary>The words Filecheck's own admin uses, so staff and customers speak one language.</summary>
    public static string Label(string? outcome) => outcome switch
    {
        null or "" => "No verdict yet",
        Pass => "Clean",
        Fixed => "Fixed",
        Warn => "Warnings",
        Fail => "Failed",
        Unchanged => "Unchanged",
        NotApplicable => "Not applicable",
        Mixed => "Mixed",
        _ => outcome,
    };
}
