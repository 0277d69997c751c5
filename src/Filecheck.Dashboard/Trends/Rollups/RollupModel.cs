using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>The rollup tables in the store.</summary>
internal sealed class RollupModel :
    IEntityTypeConfiguration<OutcomeRollup>, IEntityTypeConfiguration<StepRollup>, IEntityTypeConfiguration<ReasonRollup>,
    IEntityTypeConfiguration<OutcomeMarginal>, IEntityTypeConfiguration<StepMarginal>, IEntityTypeConfiguration<ReasonMarginal>, IEntityTypeConfiguration<RollupJob>,
    IEntityTypeConfiguration<RollupState>
{
    public void Configure(EntityTypeBuilder<RollupState> e)
    {
        e.ToTable("RollupState");
        e.Property(s => s.Id).ValueGeneratedNever();
    }

    public void Configure(EntityTypeBuilder<OutcomeRollup> e)
    {
        e.ToTable("RollupOutcomes");
        e.HasKey(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType });
    }

    public void Configure(EntityTypeBuilder<StepRollup> e)
    {
        e.ToTable("RollupSteps");
        e.HasKey(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind });
    }

    public void Configure(EntityTypeBuilder<ReasonRollup> e)
    {
        e.ToTable("RollupReasons");
        e.HasKey(r => new { r.Day, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Severity, r.Reason });
    }

    // Combo and grain first: a read names both, then the slots, then the filtered dimensions in key order.
    public void Configure(EntityTypeBuilder<OutcomeMarginal> e)
    {
        e.ToTable("RollupOutcomeMarginals");
        e.HasKey(r => new { r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType });
    }

    public void Configure(EntityTypeBuilder<StepMarginal> e)
    {
        e.ToTable("RollupStepMarginals");
        e.HasKey(r => new { r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Kind });
    }

    public void Configure(EntityTypeBuilder<ReasonMarginal> e)
    {
        e.ToTable("RollupReasonMarginals");
        e.HasKey(r => new { r.Combo, r.Grain, r.Start, r.Channel, r.WorkflowId, r.RuleId, r.FileType, r.StepType, r.Severity, r.Reason });
    }

    public void Configure(EntityTypeBuilder<RollupJob> e)
    {
        e.ToTable("RollupJobs");
        e.HasKey(r => r.JobId);
    }
}
