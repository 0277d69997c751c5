using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Filecheck.Dashboard.Jobs.Checks;

/// <summary>The audit of a new check run from the dashboard: who asked, why, on what, and what Filecheck answered.</summary>
public sealed class CheckRecord
{
    public long Id { get; set; }
    /// <summary>The user's stable ID (oid/sub), not the display name.</summary>
    public required string UserKey { get; set; }
    public required string UserName { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Note { get; set; }
    public string? OriginalJobId { get; set; }
    public string? OriginalTaskId { get; set; }
    /// <summary>"upload upload_…" or "url https://…".</summary>
    public required string Source { get; set; }
    public required string Steps { get; set; }
    public string? NewJobId { get; set; }
    /// <summary>submitted, or refused:&lt;kind&gt;.</summary>
    public required string Result { get; set; }
}

/// <summary>The checks audit's table in the store.</summary>
internal sealed class CheckModel : IEntityTypeConfiguration<CheckRecord>
{
    public void Configure(EntityTypeBuilder<CheckRecord> e)
    {
        e.ToTable("Checks");
        e.HasIndex(c => c.At);
        e.HasIndex(c => c.OriginalJobId);
    }
}

public static class CheckTables
{
    extension(DashboardDbContext db)
    {
        public DbSet<CheckRecord> Checks => db.Set<CheckRecord>();
    }
}
