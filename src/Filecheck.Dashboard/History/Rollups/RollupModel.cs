using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.History.Rollups;

/// <summary>The rollup tables of the history store (one call from <c>HistoryDbContext.OnModelCreating</c>).</summary>
public static class RollupModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<OutcomeRollup>(e =>
        {
            e.ToTable("RollupOutcomes");
            e.HasKey(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType });
        });
        model.Entity<StepRollup>(e =>
        {
            e.ToTable("RollupSteps");
            e.HasKey(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind });
        });
        model.Entity<ReasonRollup>(e =>
        {
            e.ToTable("RollupReasons");
            e.HasKey(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Severity, r.Reason });
        });
        // Combo and grain first: a read names both, then the slots, then the filtered dimensions in key order.
        model.Entity<OutcomeMarginal>(e =>
        {
            e.ToTable("RollupOutcomeMarginals");
            e.HasKey(r => new { r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType });
        });
        model.Entity<StepMarginal>(e =>
        {
            e.ToTable("RollupStepMarginals");
            e.HasKey(r => new { r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind });
        });
        model.Entity<ReasonMarginal>(e =>
        {
            e.ToTable("RollupReasonMarginals");
            e.HasKey(r => new { r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Severity, r.Reason });
        });
        model.Entity<RollupJob>(e =>
        {
            e.ToTable("RollupJobs");
            e.HasKey(r => r.JobId);
        });
    }
}
