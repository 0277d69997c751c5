using Microsoft.EntityFrameworkCore;

namespace Filecheck.Dashboard.Sharing.Data;

/// <summary>The sharing tables in the history store's database (their own migration, "Sharing").</summary>
internal static class SharingModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<ShareRecord>(e =>
        {
            e.ToTable("Shares");
            e.HasKey(s => s.Id);
            e.HasIndex(s => s.TokenHash).IsUnique();
            e.HasIndex(s => s.CreatedAt);
            e.HasIndex(s => s.CreatedById);
            e.Property(s => s.TokenHash).HasMaxLength(64);
            e.HasMany(s => s.Files).WithOne().HasForeignKey(f => f.ShareId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(s => s.Decisions).WithOne().HasForeignKey(d => d.ShareId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<SharedFileRecord>(e =>
        {
            e.ToTable("SharedFiles");
            e.HasKey(f => new { f.ShareId, f.Position });
            e.HasIndex(f => f.JobId);
        });
        model.Entity<ShareDecisionRecord>(e =>
        {
            e.ToTable("ShareDecisions");
            // The key is what makes a decision final: a second insert for the same file fails.
            e.HasKey(d => new { d.ShareId, d.Position });
        });
        model.Entity<ShareAuditRecord>(e =>
        {
            e.ToTable("ShareAudit");
            e.HasKey(a => a.Id);
            e.HasIndex(a => new { a.ShareId, a.At });
        });
    }
}
