using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Filecheck.Dashboard.Sharing;

/// <summary>The sharing tables in the store (their own migration, "Sharing").</summary>
internal sealed class SharingModel :
    IEntityTypeConfiguration<ShareRecord>, IEntityTypeConfiguration<SharedFileRecord>,
    IEntityTypeConfiguration<ShareDecisionRecord>, IEntityTypeConfiguration<ShareAuditRecord>,
    IEntityTypeConfiguration<ShareRoundRecord>, IEntityTypeConfiguration<ShareCommentRecord>,
    IEntityTypeConfiguration<ShareWebhookDelivery>, IEntityTypeConfiguration<ShareUploadRecord>
{
    public void Configure(EntityTypeBuilder<ShareWebhookDelivery> e)
    {
        e.ToTable("ShareWebhookOutbox");
        e.HasKey(d => d.Id);
        e.HasIndex(d => d.NextAttemptAt);
        e.HasOne<ShareRecord>().WithMany().HasForeignKey(d => d.ShareId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ShareRecord> e)
    {
        e.ToTable("Shares");
        e.HasKey(s => s.Id);
        e.HasIndex(s => s.TokenHash).IsUnique();
        e.HasIndex(s => s.CreatedAt);
        e.HasIndex(s => s.CreatedById);
        e.Property(s => s.TokenHash).HasMaxLength(64);
        e.HasMany(s => s.Files).WithOne().HasForeignKey(f => f.ShareId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(s => s.Decisions).WithOne().HasForeignKey(d => d.ShareId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(s => s.Rounds).WithOne().HasForeignKey(r => r.ShareId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SharedFileRecord> e)
    {
        e.ToTable("SharedFiles");
        e.HasKey(f => new { f.ShareId, f.Position });
        e.HasIndex(f => f.JobId);
    }

    public void Configure(EntityTypeBuilder<ShareDecisionRecord> e)
    {
        e.ToTable("ShareDecisions");
        // The key is what makes a decision final: a second insert for the same round of a file fails.
        e.HasKey(d => new { d.ShareId, d.Position, d.Round });
    }

    public void Configure(EntityTypeBuilder<ShareRoundRecord> e)
    {
        e.ToTable("ShareRounds");
        // Two people adding round 2 at once: the key lets one in.
        e.HasKey(r => new { r.ShareId, r.Position, r.Round });
        e.HasIndex(r => r.JobId);
    }

    public void Configure(EntityTypeBuilder<ShareCommentRecord> e)
    {
        e.ToTable("ShareComments");
        e.HasKey(c => c.Id);
        e.HasIndex(c => new { c.ShareId, c.Position, c.Round });
        e.HasOne<ShareRecord>().WithMany().HasForeignKey(c => c.ShareId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ShareUploadRecord> e)
    {
        e.ToTable("ShareUploads");
        e.HasKey(u => u.Id);
        // One corrected file per file per round: two posts at once, the key lets one in.
        e.HasIndex(u => new { u.ShareId, u.Position, u.Round }).IsUnique();
        // The watcher reads the ones being checked.
        e.HasIndex(u => u.State);
        e.Property(u => u.State).HasMaxLength(16);
        e.Property(u => u.FileName).HasMaxLength(255);
        e.Property(u => u.SentBy).HasMaxLength(ShareLimits.MaxName);
        e.HasOne<ShareRecord>().WithMany().HasForeignKey(u => u.ShareId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ShareAuditRecord> e)
    {
        e.ToTable("ShareAudit");
        e.HasKey(a => a.Id);
        e.HasIndex(a => new { a.ShareId, a.At });
        // Retention deletes by age across every link.
        e.HasIndex(a => a.At);
    }
}

/// <summary>Sharing's tables as <c>db.Shares</c>…</summary>
public static class SharingTables
{
    extension(DashboardDbContext db)
    {
        public DbSet<ShareRecord> Shares => db.Set<ShareRecord>();
        public DbSet<SharedFileRecord> SharedFiles => db.Set<SharedFileRecord>();
        public DbSet<ShareDecisionRecord> ShareDecisions => db.Set<ShareDecisionRecord>();
        public DbSet<ShareAuditRecord> ShareAudit => db.Set<ShareAuditRecord>();
        public DbSet<ShareRoundRecord> ShareRounds => db.Set<ShareRoundRecord>();
        public DbSet<ShareCommentRecord> ShareComments => db.Set<ShareCommentRecord>();
        public DbSet<ShareWebhookDelivery> ShareWebhookOutbox => db.Set<ShareWebhookDelivery>();
        public DbSet<ShareUploadRecord> ShareUploads => db.Set<ShareUploadRecord>();
    }
}
