using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Filecheck.Dashboard.Tests.Trends;

public sealed class HistoryBulkFillTests
{
    [Fact]
    public async Task FillAsync_SameJobsAsTheWritePath_GivesIdenticalRowsAndRollups()
    {
        var clock = PlantedHistory.Clock();
        var jobs = RollupReaderTests.MixedJobs(120);
        using var saved = new RollupHarness(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        using var bulk = new RollupHarness(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var store = new JobWriter(saved.HistoryWriter, clock, NullLogger<JobWriter>.Instance);
        foreach (var chunk in jobs.Chunk(40)) await store.SaveJobsAsync(chunk, HistorySource.Details);
        await new HistoryBulkFill(bulk.HistoryWriter, [bulk.Writer], clock, NullLogger<HistoryBulkFill>.Instance).FillAsync(jobs, HistorySource.Details, chunk: 70);

        var expected = await DumpAsync(saved);
        var actual = await DumpAsync(bulk);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (table, rows) in expected)
        {
            Assert.True(rows.SequenceEqual(actual[table]), $"{table}: {rows.Count} rows saved, {actual[table].Count} filled; first difference: " +
                rows.Except(actual[table]).Concat(actual[table].Except(rows)).FirstOrDefault());
        }
        Assert.True(expected["Steps"].Count > 500 && expected["RollupStepMarginals"].Count > 500, "the history holds steps and their rollups");
        // Every filled job has a body version of its own, as every saved one does: a cached copy is keyed by it.
        await using (var db = bulk.Db.CreateDbContext())
        {
            var versions = await db.Jobs.Select(j => j.BodyVersion).ToListAsync();
            Assert.Equal(jobs.Count, versions.Count);
            Assert.DoesNotContain(0L, versions);
            Assert.Equal(versions.Count, versions.Distinct().Count());
        }
    }

    /// <summary>Every row of every table, as text, sorted; the snapshots without the number SQLite gives them.</summary>
    private static async Task<SortedDictionary<string, List<string>>> DumpAsync(RollupHarness h)
    {
        await using var db = h.Db.CreateDbContext();
        var snapshots = db.Model.FindEntityType(typeof(JobSnapshot))!.GetTableName();
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsHistory'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                var values = Enumerable.Range(0, reader.FieldCount)
                    .Where(i => !(table == snapshots && reader.GetName(i) == "Id"))
                    // A job's body version is a new random value at every write of its body: checked apart, below.
                    .Where(i => !(table == "Jobs" && reader.GetName(i) == "BodyVersion"))
                    .Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                rows.Add(string.Join("|", values));
            }
            rows.Sort(StringComparer.Ordinal);
            dump[table] = rows;
        }
        return dump;
    }
}
