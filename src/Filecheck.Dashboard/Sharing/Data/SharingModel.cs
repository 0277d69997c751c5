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
            e.HasMany(s => s.Rounds).WithOne().HasForeignKey(r => r.ShareId).OnDelete(DeleteBehavior.Cascade);
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
            // The key is what makes a decision final: a second insert for the same round of a file fails.
            e.HasKey(d => new { d.ShareId, d.Position, d.Round });
        });
        model.Entity<ShareRoundRecord>(e =>
        {
            e.ToTable("ShareRounds");
            // Two people adding round 2 at once: the key lets one in.
            e.HasKey(r => new { r.ShareId, r.Position, r.Round });
            e.HasIndex(r => r.JobId);
        });
        model.Entity<ShareCommentRecord>(e =>
        {
            e.ToTable("ShareComments");
            e.HasKey(c => c.Id);
            e.HasIndex(c => new { c.ShareId, c.Position, c.Round });
            e.HasOne<ShareRecord>().WithMany().HasForeignKey(c => c.ShareId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ShareAuditRecord>(e =>
        {
            e.ToTable("ShareAudit");
            e.HasKey(a => a.Id);
            e.HasIndex(a => new { a.ShareId, a.At });
        });
    }
}
