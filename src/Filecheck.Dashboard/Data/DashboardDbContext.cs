using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The dashboard's one model. It knows no feature: each feature keeps its entities, their model configuration
/// (an <see cref="IEntityTypeConfiguration{TEntity}"/>) and its table accessors (extension properties such as
/// <c>db.Jobs</c>) in its own folder, and this context applies every configuration in the assembly.
/// Each engine derives its own context (<see cref="SqliteDashboardDbContext"/>, <see cref="PostgresDashboardDbContext"/>)
/// only so that EF keeps a migration set per engine; the model is this one.
/// </summary>
public abstract class DashboardDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring (cookies, antiforgery, share approvals): every instance on this store shares it.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot order or compare DateTimeOffset text; Unix milliseconds (the API's precision) can, on both engines alike.
        builder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DataProtectionKey>(e => e.ToTable("DataProtectionKeys"));
        // The features' tables: History's jobs and steps, Trends' rollups, Sharing's shares, Jobs' checks audit.
        model.ApplyConfigurationsFromAssembly(typeof(DashboardDbContext).Assembly);
    }
}

public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));

/// <summary>The SQLite store; its migrations are in <c>Data/Migrations/Sqlite</c> (IDs as they always were, so existing files open).</summary>
public sealed class SqliteDashboardDbContext(DbContextOptions<SqliteDashboardDbContext> options) : DashboardDbContext(options);

/// <summary>The PostgreSQL store; its migrations are in <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresDashboardDbContext(DbContextOptions<PostgresDashboardDbContext> options) : DashboardDbContext(options)
{
    /// <summary>The collation of every text column: byte order, as SQLite compares text.</summary>
    public const string TextCollation = "C";

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        // Text is compared and sorted in byte order whatever collation the database was made with (an operator's is
        // usually a language's): the jobs list's prefix searches and sorts then answer what they answer on SQLite.
        foreach (var property in model.Model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.ClrType == typeof(string)))
        {
            property.SetCollation(TextCollation);
        }
    }
}
