namespace Filecheck.Dashboard.History.Rollups;

// Dimension columns hold "" for an unknown value: SQLite keys cannot be null.

/// <summary>Finished jobs and their files per outcome, per day (in the installation's zone) and dimensions.</summary>
/// <remarks>
/// A job with files of several types counts once under <see cref="AllFileTypes"/> and once under each of its types, so a
/// query without a file-type filter reads the <c>*</c> rows and one with a filter reads that type's rows.
/// </remarks>
public sealed class OutcomeRollup
{
    public const string AllFileTypes = "*";

    public DateOnly Day { get; set; }
    public required string Channel { get; set; }
    public required string WorkflowId { get; set; }
    public required string RuleId { get; set; }
    public required string FileType { get; set; }
    public int JobPass { get; set; }
    public int JobFixed { get; set; }
    public int JobWarn { get; set; }
    public int JobFail { get; set; }
    public int JobOther { get; set; }
    public int FilePass { get; set; }
    public int FileFixed { get; set; }
    public int FileWarn { get; set; }
    public int FileFail { get; set; }
    public int FileOther { get; set; }

    internal bool IsEmpty => JobPass == 0 && JobFixed == 0 && JobWarn == 0 && JobFail == 0 && JobOther == 0
        && FilePass == 0 && FileFixed == 0 && FileWarn == 0 && FileFail == 0 && FileOther == 0;
}

/// <summary>Step durations (<c>Kind = duration</c>) or waits before a step (<c>Kind = wait</c>), per day, dimensions and step type.</summary>
public sealed class StepRollup
{
    public const string Duration = "duration";
    public const string Wait = "wait";

    public DateOnly Day { get; set; }
    public required string Channel { get; set; }
    public required string WorkflowId { get; set; }
    public required string RuleId { get; set; }
    public required string FileType { get; set; }
    public required string StepType { get; set; }
    public required string Kind { get; set; }
    public long Count { get; set; }
    /// <summary>Sum of whole milliseconds: integers, so adding and removing a job never drifts.</summary>
    public long SumMs { get; set; }
    /// <summary>Bounds of the lowest and highest non-empty bucket, recomputed at every change (a removal never leaves a stale extreme): within 2% of the exact ones.</summary>
    public double MinMs { get; set; }
    public double MaxMs { get; set; }
    /// <summary>Log-scaled histogram (<see cref="DurationBuckets"/>), sparse.</summary>
    public required byte[] Buckets { get; set; }
}

/// <summary>Failing and warning steps per normalized reason, per day, dimensions and step type.</summary>
public sealed class ReasonRollup
{
    public DateOnly Day { get; set; }
    public required string Channel { get; set; }
    public required string WorkflowId { get; set; }
    public required string RuleId { get; set; }
    public required string FileType { get; set; }
    public required string StepType { get; set; }
    /// <summary><c>fail</c> or <c>warn</c>.</summary>
    public required string Severity { get; set; }
    public required string Reason { get; set; }
    public int Count { get; set; }
}

/// <summary>What one job adds to the rollups now, so that its next save can take exactly that away again.</summary>
public sealed class RollupJob
{
    public required string JobId { get; set; }
    /// <summary>A <see cref="JobContribution"/> as JSON.</summary>
    public required string Contribution { get; set; }
}
