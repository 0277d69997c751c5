using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Filecheck.Dashboard.History.Data;

/// <summary>The history store's tables. Only the History feature uses it (its writers, reads and search).</summary>
public sealed class HistoryDbContext(DbContextOptions<HistoryDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring (cookies, antiforgery, share approvals): every instance on this store shares it.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<JobRecord> Jobs => Set<JobRecord>();
    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<StepRecord> Steps => Set<StepRecord>();
    public DbSet<JobSnapshot> Snapshots => Set<JobSnapshot>();
    public DbSet<LookupRecord> Lookups => Set<LookupRecord>();
    public DbSet<SyncStateRecord> SyncState => Set<SyncStateRecord>();
    public DbSet<Sharing.Data.ShareRecord> Shares => Set<Sharing.Data.ShareRecord>();
    public DbSet<Sharing.Data.SharedFileRecord> SharedFiles => Set<Sharing.Data.SharedFileRecord>();
    public DbSet<Sharing.Data.ShareDecisionRecord> ShareDecisions => Set<Sharing.Data.ShareDecisionRecord>();
    public DbSet<Sharing.Data.ShareAuditRecord> ShareAudit => Set<Sharing.Data.ShareAuditRecord>();
    public DbSet<Sharing.Data.ShareRoundRecord> ShareRounds => Set<Sharing.Data.ShareRoundRecord>();
    public DbSet<Sharing.Data.ShareCommentRecord> ShareComments => Set<Sharing.Data.ShareCommentRecord>();
    public DbSet<CheckRecord> Checks => Set<CheckRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot order or compare DateTimeOffset text; Unix milliseconds (the API's precision) can.
        builder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<JobRecord>(e =>
        {
            e.ToTable("Jobs");
            e.HasKey(j => j.Id);
            e.HasIndex(j => j.OrderId);
            e.HasIndex(j => j.CustomerId);
            e.HasIndex(j => j.CustomerEmailLower);
            e.HasIndex(j => j.CreatedAt);
            e.HasIndex(j => new { j.IsTerminal, j.HasDetails });
        });
        model.Entity<TaskRecord>(e =>
        {
            e.ToTable("Tasks");
            e.HasKey(t => new { t.JobId, t.Id });
        });
        model.Entity<StepRecord>(e =>
        {
            e.ToTable("Steps");
            e.HasKey(s => new { s.JobId, s.TaskId, s.Id });
            e.HasIndex(s => new { s.Type, s.Ended });
        });
        model.Entity<JobSnapshot>(e =>
        {
            e.ToTable("Snapshots");
            e.HasIndex(s => new { s.JobId, s.SeenAt });
        });
        model.Entity<LookupRecord>(e =>
        {
            e.ToTable("Lookups");
            e.HasIndex(l => new { l.JobId, l.At });
            // Retention deletes by age; a user's recent lookups read newest first by ID.
            e.HasIndex(l => l.At);
            e.HasIndex(l => new { l.UserId, l.Action, l.Id });
            e.Property(l => l.Action).HasDefaultValue("lookup");
        });
        model.Entity<DataProtectionKey>(e => e.ToTable("DataProtectionKeys"));
        model.Entity<CheckRecord>(e =>
        {
            e.ToTable("Checks");
            e.HasIndex(c => c.At);
            e.HasIndex(c => c.OriginalJobId);
        });
        model.Entity<SyncStateRecord>(e =>
        {
            e.ToTable("SyncState");
            e.Property(s => s.Id).ValueGeneratedNever();
        });
        Rollups.RollupModel.Configure(model);
        Sharing.Data.SharingModel.Configure(model);
    }
}

public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));
