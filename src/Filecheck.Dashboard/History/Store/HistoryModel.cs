using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Filecheck.Dashboard.History;

/// <summary>History's tables in the store: the jobs, their tasks and steps, snapshots, the lookup audit, the sync's cursor.</summary>
internal sealed class HistoryModel :
    IEntityTypeConfiguration<JobRecord>, IEntityTypeConfiguration<TaskRecord>, IEntityTypeConfiguration<StepRecord>,
    IEntityTypeConfiguration<JobSnapshot>, IEntityTypeConfiguration<LookupRecord>, IEntityTypeConfiguration<SyncStateRecord>
{
    public void Configure(EntityTypeBuilder<JobRecord> e)
    {
        e.ToTable("Jobs");
        e.HasKey(j => j.Id);
        e.HasIndex(j => j.OrderId);
        e.HasIndex(j => j.CustomerId);
        e.HasIndex(j => j.CustomerEmailLower);
        e.HasIndex(j => j.CreatedAt);
        e.HasIndex(j => new { j.IsTerminal, j.HasDetails });
    }

    public void Configure(EntityTypeBuilder<TaskRecord> e)
    {
        e.ToTable("Tasks");
        e.HasKey(t => new { t.JobId, t.Id });
    }

    public void Configure(EntityTypeBuilder<StepRecord> e)
    {
        e.ToTable("Steps");
        e.HasKey(s => new { s.JobId, s.TaskId, s.Id });
        e.HasIndex(s => new { s.Type, s.Ended });
    }

    public void Configure(EntityTypeBuilder<JobSnapshot> e)
    {
        e.ToTable("Snapshots");
        e.HasIndex(s => new { s.JobId, s.SeenAt });
    }

    public void Configure(EntityTypeBuilder<LookupRecord> e)
    {
        e.ToTable("Lookups");
        e.HasIndex(l => new { l.JobId, l.At });
        // Retention deletes by age; a user's recent lookups read newest first by ID.
        e.HasIndex(l => l.At);
        e.HasIndex(l => new { l.UserId, l.Action, l.Id });
        e.Property(l => l.Action).HasDefaultValue("lookup");
    }

    public void Configure(EntityTypeBuilder<SyncStateRecord> e)
    {
        e.ToTable("SyncState");
        e.Property(s => s.Id).ValueGeneratedNever();
    }
}

/// <summary>History's tables as <c>db.Jobs</c>, <c>db.Steps</c>…: the store's context names no feature's table itself.</summary>
public static class HistoryTables
{
    extension(DashboardDbContext db)
    {
        public DbSet<JobRecord> Jobs => db.Set<JobRecord>();
        public DbSet<TaskRecord> Tasks => db.Set<TaskRecord>();
        public DbSet<StepRecord> Steps => db.Set<StepRecord>();
        public DbSet<JobSnapshot> Snapshots => db.Set<JobSnapshot>();
        public DbSet<LookupRecord> Lookups => db.Set<LookupRecord>();
        public DbSet<SyncStateRecord> SyncState => db.Set<SyncStateRecord>();
    }
}
