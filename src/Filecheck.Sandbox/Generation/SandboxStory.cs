namespace Filecheck.Sandbox.Generation;

/// <summary>
/// The changes planted in the generated history, so that trends have something true to find. Dates are midnights
/// (UTC) a whole number of days before the day the sandbox starts; everything else in the history keeps its rates.
/// </summary>
public sealed class SandboxStory
{
    /// <summary>The workflow whose rule changes: from then on a share of its jobs fail a new check on every file.</summary>
    public const string RuleChangeWorkflow = "wf_flyers";
    public const string RuleChangeRule = "rule_flyers_a5";
    /// <summary>The vendor's check the changed rule now rejects on (preflight-checks.json).</summary>
    public const string RuleChangeCheck = "Text Safe Zone";
    public const int RuleChangeDaysAgo = 38;
    /// <summary>Share of the workflow's jobs the new check catches after the change.</summary>
    public const double RuleChangeHitRate = 0.7;

    /// <summary>The step type that gets slower, and by how much (every duration, so p50 and p95 alike).</summary>
    public const string SlowStepType = "validate";
    public const int SlowStepDaysAgo = 30;
    public const double SlowStepFactor = 1.6;

    /// <summary>The reason that becomes common: before, most of its findings read as another warning; after, it displaces them.</summary>
    public const string CommonReasonCheck = "Minimum Resolution";
    public const int CommonReasonDaysAgo = 21;
    internal const double CommonReasonRareBefore = 0.8; // share of its findings swapped away before the date
    internal const double CommonReasonTakeover = 0.6; // share of other plain warnings it replaces after the date

    public SandboxStory(DateTimeOffset start)
    {
        var day = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero);
        RuleChangeAt = day.AddDays(-RuleChangeDaysAgo);
        SlowStepFrom = day.AddDays(-SlowStepDaysAgo);
        CommonReasonFrom = day.AddDays(-CommonReasonDaysAgo);
    }

    public DateTimeOffset RuleChangeAt { get; }
    public DateTimeOffset SlowStepFrom { get; }
    public DateTimeOffset CommonReasonFrom { get; }

    /// <summary>Warnings that neither fail a file nor get fixed: swapping one for another keeps every outcome as it was.</summary>
    internal static IReadOnlyList<PreflightCheck> PlainWarnings { get; } = Catalog.Checks
        .Where(c => c.Severity == "warn" && !c.AutoFixable && !c.IsRaster).ToArray();

    internal static PreflightCheck Reason { get; } = Catalog.Check(CommonReasonCheck);
    internal static PreflightCheck RuleCheck { get; } = Catalog.Check(RuleChangeCheck);
}

/// <summary>The story as it applies to one generated job, with its own random source so the rest of the job is drawn as before.</summary>
internal sealed class StoryContext(SandboxStory story, DateTimeOffset created, Random rng, bool ruleHit)
{
    public static StoryContext For(SandboxStory story, DateTimeOffset created, int seed, string? workflowId)
    {
        var rng = new Random(unchecked(seed * 31 + 0x51A7));
        var hit = workflowId == SandboxStory.RuleChangeWorkflow && created >= story.RuleChangeAt
                  && rng.NextDouble() < SandboxStory.RuleChangeHitRate;
        return new StoryContext(story, created, rng, hit);
    }

    public bool RuleHit => ruleHit;

    public double DurationFactor(string stepType) =>
        stepType == SandboxStory.SlowStepType && created >= story.SlowStepFrom ? SandboxStory.SlowStepFactor : 1.0;

    /// <summary>The findings a file's preflight reports once the story's changes apply.</summary>
    public Finding[] Apply(IReadOnlyList<Finding> rolled, bool raster)
    {
        var list = rolled.ToList();
        if (!raster)
        {
            var after = created >= story.CommonReasonFrom;
            for (var i = 0; i < list.Count; i++)
            {
                var f = list[i];
                var isReason = f.Check == SandboxStory.Reason;
                if (!after && isReason && rng.NextDouble() < SandboxStory.CommonReasonRareBefore)
                {
                    var others = SandboxStory.PlainWarnings.Where(c => c != SandboxStory.Reason && list.All(x => x.Check != c)).ToArray();
                    if (others.Length > 0) list[i] = Finding.Create(others[rng.Next(others.Length)], rng);
                }
                else if (after && !isReason && SandboxStory.PlainWarnings.Contains(f.Check)
                         && list.All(x => x.Check != SandboxStory.Reason) && rng.NextDouble() < SandboxStory.CommonReasonTakeover)
                {
                    list[i] = Finding.Create(SandboxStory.Reason, rng);
                }
            }
        }
        if (ruleHit)
        {
            list.RemoveAll(f => f.Check == SandboxStory.RuleCheck);
            list.Insert(0, Finding.Create(SandboxStory.RuleCheck, rng)); // first, so it is the step's reason
        }
        return list.ToArray();
    }
}
