using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>One model, a migration set per engine, and the setting that picks the engine.</summary>
public sealed class StoreEngineTests
{
    public static TheoryData<string> Engines => [nameof(StoreEngine.Sqlite), nameof(StoreEngine.Postgres)];

    private static DashboardDbContext Context(string engine) => engine == nameof(StoreEngine.Postgres)
        ? new PostgresDashboardDbContext(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql("Host=127.0.0.1;Database=unused").Options)
        : new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite("Data Source=:memory:").Options);

    [Theory]
    [MemberData(nameof(Engines))]
    public void HasPendingModelChanges_EachEngine_TheModelMatchesItsLastMigration(string engine)
    {
        // A model change migrated on one engine only would open the other engine's stores without it.
        using var db = Context(engine);

        Assert.False(db.Database.HasPendingModelChanges(),
            $"the model differs from the {engine} migrations' snapshot: add a migration with --context {db.GetType().Name}");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void GetMigrations_Sqlite_KeepsTheIdsExistingFilesWereMadeWith()
    {
        using var db = Context(nameof(StoreEngine.Sqlite));

        Assert.Equal(
            ["20261129081955_Initial", "20261129082024_SearchByEmailAndRetention", "20261201201340_Sharing", "20261201201423_TrendRollups",
                "20261201204425_NewChecksAudit", "20261201233245_AuditLimitsAndKeys", "20261204160713_TrendMarginals"],
            db.Database.GetMigrations().Take(7));
    }

    [Theory]
    [InlineData(null, null, typeof(SqliteDashboardDbContext))]
    [InlineData("sqlite", null, typeof(SqliteDashboardDbContext))]
    [InlineData("Postgres", "Host=127.0.0.1;Database=fc", typeof(PostgresDashboardDbContext))]
    [InlineData("postgres", "Host=127.0.0.1;Database=fc", typeof(PostgresDashboardDbContext))]
    public void CreateDbContext_Provider_IsThatEnginesContext(string? provider, string? connectionString, Type expected)
    {
        using var services = Services(provider, connectionString);

        using var db = services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContext();

        Assert.IsType(expected, db);
    }

    [Theory]
    [InlineData("Postgres", null, "ConnectionStrings:History")]
    [InlineData("Postgres", "  ", "ConnectionStrings:History")]
    [InlineData("Postgres", "Database=fc", "ConnectionStrings:History")]
    [InlineData("Postgres", "Host=127.0.0.1;Bogus Keyword=1", "ConnectionStrings:History")]
    [InlineData("MySql", null, "History:Provider")]
    [InlineData("1", null, "History:Provider")]
    public void Validate_BadEngineSetting_NamesTheKey(string provider, string? connectionString, string key)
    {
        using var services = Services(provider, connectionString);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StoreOptions>>().Value);

        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("Postgres", false)]
    [InlineData("Sqlite", true)]
    [InlineData(null, true)]
    public void Validate_SandboxOnProvider_RefusesPostgresNamingTheKey(string? provider, bool accepted)
    {
        // The sandbox deletes its history at every start: never on a database that may hold a real one.
        var result = new Filecheck.Dashboard.Sandbox.SandboxStoreOnSqlite().Validate(null, new StoreOptions { Provider = provider! });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted) Assert.Contains("History:Provider", result.FailureMessage);
    }

    private static ServiceProvider Services(string? provider, string? connectionString) =>
        new ServiceCollection().AddLogging().AddStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["History:Provider"] = provider,
            ["ConnectionStrings:History"] = connectionString,
            ["History:DatabasePath"] = Path.Combine(Path.GetTempPath(), "fc-engine-unused", "history.db"),
        }).Build()).BuildServiceProvider();
}
