namespace Filecheck.Dashboard.Trends.Rollups;

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
    /// <summary>Log-scaled histogram (<see cref="DurationBuckets"/>), sparse; min and max are its lowest and highest bucket bounds (within 2%).</summary>
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

/// <summary>
/// The pre-summed rollups the page reads for its common views (no filter or one filter): the daily rows above summed per
/// <see cref="Grain"/> (day, ISO week, month) over every dimension left out of <see cref="Combo"/>, which holds <c>*</c>.
/// </summary>
public sealed class OutcomeMarginal
{
    /// <summary>Which dimensions the row keeps (<see cref="RollupCombo"/> bits); the others hold <c>*</c>.</summary>
    public int Combo { get; set; }
    /// <summary><c>d</c>, <c>w</c> or <c>m</c> (<see cref="RollupGrain"/>).</summary>
    public required string Grain { get; set; }
    /// <summary>First day of the day, week (Monday) or month.</summary>
    public DateOnly Start { get; set; }
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
}

/// <summary><see cref="StepRollup"/> summed like <see cref="OutcomeMarginal"/>; the step type is kept or <c>*</c> (<see cref="RollupCombo.StepType"/>).</summary>
public sealed class StepMarginal
{
    public int Combo { get; set; }
    public required string Grain { get; set; }
    public DateOnly Start { get; set; }
    public required string Channel { get; set; }
    public required string WorkflowId { get; set; }
    public required string RuleId { get; set; }
    public required string FileType { get; set; }
    public required string StepType { get; set; }
    public required string Kind { get; set; }
    public long Count { get; set; }
    public long SumMs { get; set; }
    public required byte[] Buckets { get; set; }
}

/// <summary><see cref="ReasonRollup"/> summed like <see cref="OutcomeMarginal"/>, for views with at most one filter; step type always kept.</summary>
public sealed class ReasonMarginal
{
    public int Combo { get; set; }
    public required string Grain { get; set; }
    public DateOnly Start { get; set; }
    public required string Channel { get; set; }
    public required string WorkflowId { get; set; }
    public required string RuleId { get; set; }
    public required string FileType { get; set; }
    public required string StepType { get; set; }
    public required string Severity { get; set; }
    public required string Reason { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// What the rollups were built with (one row, Id = 1): the time zone whose days they count. A start with another
/// <c>Trends:TimeZone</c> rebuilds them; until then the trends page says so instead of mixing days.
/// </summary>
public sealed class RollupState
{
    public int Id { get; set; } = 1;
    /// <summary>The IANA (or Windows) id of the zone the daily rows were counted in.</summary>
    public required string TimeZone { get; set; }
    public DateTimeOffset? RebuiltAt { get; set; }
}
