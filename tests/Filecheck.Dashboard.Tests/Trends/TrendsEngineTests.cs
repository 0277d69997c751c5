using System.Text.Json;
using Filecheck.Dashboard.Tests.Data;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Dashboard.Trends;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Sandbox;
using Filecheck.Testing;

namespace Filecheck.Dashboard.Tests.Trends;

/// <summary>
/// The trends page gives the same figures on both engines: one sandbox history synced by the history's own sync into a
/// SQLite store and a PostgreSQL one, then the same views asked of both must give the same report (charts, totals,
/// percentiles, reasons, breakdowns, filter choices, "what changed") and the same CSV files, byte for byte.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TrendsEngineTests(TrendsEngineTests.Histories histories) : IClassFixture<TrendsEngineTests.Histories>
{
    /// <summary>A sandbox (1,500 jobs over 90 days, its planted changes in the last 38) synced into both engines once per class.</summary>
    public sealed class Histories : SandboxFixture, IAsyncLifetime
    {
        private readonly PostgresDatabase _database = new();

        public Histories() : base(new SandboxOptions { JobCount = 1_500, Days = 90, Seed = 42, NewJobEvery = null, RunningJobs = 4 })
        {
        }

        public SyncedStore Sqlite { get; private set; } = default!;
        public SyncedStore Postgres { get; private set; } = default!;

        async Task IAsyncLifetime.InitializeAsync()
        {
            await InitializeAsync();
            Sqlite = await SyncedStore.SyncAsync(this, null);
            Postgres = await SyncedStore.SyncAsync(this, _database.ConnectionString);
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            Sqlite?.Dispose();
            Postgres?.Dispose();
            _database.Dispose();
            await DisposeAsync();
        }
    }

    public static TheoryData<string> Views => new()
    {
        "",
        "days=90&group=week",
        "days=30&group=day",
        "days=180&group=month",
        "days=30&unit=files",
        "days=90&workflow=wf_flyers",
        "days=90&channel=store&rule=rule_flyers_a5",
        "days=90&workflow=wf_books&channel=api&filetype=pdf&step=validate",
        "days=30&step=validate",
        "days=30&channel=-",
        "from=2026-01-01&to=2026-01-31",
    };

    [Theory]
    [MemberData(nameof(Views))]
    public async Task LoadAsync_SameSyncedHistory_SameReportOnBothEngines(string query)
    {
        var view = TrendsViewState.FromQuery("?" + query);

        var sqlite = await Query(histories.Sqlite).LoadAsync(view);
        var postgres = await Query(histories.Postgres).LoadAsync(view);

        Assert.Equal(Json(sqlite), Json(postgres));
        Assert.True(sqlite.HasHistory);
    }

    [Fact]
    public async Task LoadAsync_LastThirtyDaysAcrossThePlantedChanges_SameWhatChangedOnBothEngines()
    {
        var view = TrendsViewState.FromQuery("?days=30");

        var sqlite = await Query(histories.Sqlite).LoadAsync(view);
        var postgres = await Query(histories.Postgres).LoadAsync(view);

        // The sandbox's planted changes are found, on both engines alike.
        Assert.Contains(sqlite.Changes, c => c.Value == "wf_flyers" && c.Kind == ChangeKind.PassRate);
        Assert.Contains(sqlite.Changes, c => c.Value == "validate" && c.Kind == ChangeKind.P95);
        Assert.Equal(sqlite.Changes, postgres.Changes);
        Assert.Equal(sqlite.Basis, postgres.Basis);
    }

    [Theory]
    [InlineData("days=90")]
    [InlineData("days=30&group=day&workflow=wf_flyers")]
    public async Task Write_EveryCsvOfTheSameView_SameBytesOnBothEngines(string query)
    {
        var view = TrendsViewState.FromQuery("?" + query);
        var sqlite = await Query(histories.Sqlite).LoadTablesAsync(view);
        var postgres = await Query(histories.Postgres).LoadTablesAsync(view);

        foreach (var name in TrendsCsv.All)
        {
            var expected = TrendsCsv.Write(name, sqlite);
            Assert.Equal(expected, TrendsCsv.Write(name, postgres));
            Assert.True(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1, $"{name}.csv holds no rows");
        }
    }

    private TrendsQuery Query(SyncedStore store) => new(store.Db, RollupZone.Utc, new FixedNames(), histories.Clock);

    private static string Json(TrendsReport report) => JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
}
