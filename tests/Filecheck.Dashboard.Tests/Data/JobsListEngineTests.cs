using Filecheck.Api.Models;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Tests.Support;
using Filecheck.Dashboard.Tests.Trends;
using Filecheck.Dashboard.Trends;
using Filecheck.Dashboard.Trends.Rollups;
using Filecheck.Testing;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// The jobs list gives the same answer on both engines: the same jobs saved into a SQLite store and a PostgreSQL one,
/// then every view below must list the same jobs in the same order (searches by prefix and case, sorts over NULLs, ties).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JobsListEngineTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static readonly Job[] Jobs =
    [
        Saved("job_a", At, "pass", "web", "Order_ABC1", "cust_1", "Alice.Smith@Example.COM", "Flyer.PDF"),
        Saved("job_b", At, null, null, "order_abc2", "cust_2", "alice.smith@example.com", "card.pdf"),
        Saved("job_c", At.AddMinutes(-5), "fail", "api", "ORD-9", null, "Bob@Example.com", "FLYER-back.pdf"),
        Saved("job_d", At.AddMinutes(-5), "warn", null, null, "cust_1", null, "poster.tif"),
        Saved("job_e", At.AddMinutes(-9), null, "print-shop", "order_abc3", "CUST_3", "carol@example.org", "Brochure.pdf"),
        // Upper case sorts before lower case in byte order, beside it in a language's order.
        Saved("job_f", At.AddMinutes(-12), "pass", "Web", "Order_b", null, null, "Menu.pdf"),
    ];

    public static TheoryData<string, JobsListState> Views => new()
    {
        { "newest first, ties by id", new JobsListState { Range = JobsListRange.AllTime } },
        { "oldest first", new JobsListState { Range = JobsListRange.AllTime, Desc = false } },
        { "search: an order's prefix, as typed", new JobsListState { Range = JobsListRange.AllTime, Search = "order_abc" } },
        { "search: an email in another case", new JobsListState { Range = JobsListRange.AllTime, Search = "ALICE.smith@example.com" } },
        { "search: an email's prefix in another case", new JobsListState { Range = JobsListRange.AllTime, Search = "Alice.Sm" } },
        { "file name: lower case", new JobsListState { Range = JobsListRange.AllTime, FileName = "flyer" } },
        { "file name: upper case", new JobsListState { Range = JobsListRange.AllTime, FileName = "FLYER" } },
        { "sort: outcome, NULLs among them", new JobsListState { Range = JobsListRange.AllTime, Sort = JobsListSort.Outcome, Desc = false } },
        { "sort: outcome descending", new JobsListState { Range = JobsListRange.AllTime, Sort = JobsListSort.Outcome, Desc = true } },
        { "sort: channel, NULLs among them", new JobsListState { Range = JobsListRange.AllTime, Sort = JobsListSort.Channel, Desc = false } },
        { "sort: channel descending", new JobsListState { Range = JobsListRange.AllTime, Sort = JobsListSort.Channel, Desc = true } },
        { "newest first, after a job's key (a tie on time)", new JobsListState { Range = JobsListRange.AllTime, After = JobsListKey.Format(At, "job_a") } },
        { "newest first, before a job's key (a tie on time)", new JobsListState { Range = JobsListRange.AllTime, Before = JobsListKey.Format(At.AddMinutes(-5), "job_d") } },
    };

    [Fact]
    public async Task LoadAsync_ByKey_TiesOnTimeByIdOnBothEngines()
    {
        foreach (var connection in new string?[] { null, database.ConnectionString })
        {
            var after = await ListAsync(new RollupHarness(TimeZoneInfo.Utc, connection), new JobsListState { Range = JobsListRange.AllTime, After = JobsListKey.Format(At, "job_a") });
            var before = await ListAsync(new RollupHarness(TimeZoneInfo.Utc, connection), new JobsListState { Range = JobsListRange.AllTime, Before = JobsListKey.Format(At.AddMinutes(-5), "job_d") });

            Assert.Equal(["job_b", "job_c", "job_d", "job_e", "job_f"], after);
            Assert.Equal(["job_a", "job_b", "job_c"], before);
        }
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task LoadAsync_SameJobsOnBothEngines_ListsTheSameJobsInTheSameOrder(string view, JobsListState state)
    {
        var sqlite = await ListAsync(new RollupHarness(TimeZoneInfo.Utc), state);
        var postgres = await ListAsync(new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString), state);

        Assert.True(sqlite.SequenceEqual(postgres), $"{view}: SQLite lists [{string.Join(", ", sqlite)}], PostgreSQL [{string.Join(", ", postgres)}]");
        Assert.NotEmpty(sqlite);
    }

    [Fact]
    public async Task LoadAsync_FileNameInAnyCase_FindsTheFileOnPostgres()
    {
        // Not only the same as SQLite: what a person expects (SQLite's LIKE ignores case).
        var found = await ListAsync(new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString), new JobsListState { Range = JobsListRange.AllTime, FileName = "flyer" });

        Assert.Equal(["job_a", "job_c"], found);
    }

    internal static async Task<List<string>> ListAsync(RollupHarness harness, JobsListState state)
    {
        using (harness)
        {
            await harness.Migrator.EnsureReadyAsync();
            // The same jobs again on a store that holds them changes nothing (the PostgreSQL database is the class's).
            foreach (var job in Jobs) await harness.Store.SaveJobAsync(job, HistorySource.Details);
            var result = await new JobsListQuery(harness.Db, harness.Migrator, RollupZone.Utc).LoadAsync(state);
            return result.Rows.Select(r => r.Id).ToList();
        }
    }

    private static Job Saved(string id, DateTimeOffset created, string? outcome, string? channel, string? orderId, string? customerId, string? email, string file) => new()
    {
        Id = id, CreatedAt = created, ModifiedAt = created.AddMinutes(1), Status = "done", Outcome = outcome, Channel = channel,
        OrderId = orderId, CustomerId = customerId, CustomerEmail = email,
        Tasks = [new JobTask { Id = "task_1", Status = "done", Outcome = outcome, OriginalArtifact = new Artifact { FileName = file } }],
    };
}

/// <summary>
/// A database made as an operator's usually is, with a language's collation (ICU <c>en-US</c>) instead of byte order:
/// the jobs list still gives SQLite's answers (its text columns are compared in byte order whatever the database's collation).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JobsListCollationTests(JobsListCollationTests.LanguageCollatedDatabase database) : IClassFixture<JobsListCollationTests.LanguageCollatedDatabase>
{
    public sealed class LanguageCollatedDatabase() : PostgresDatabase("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.utf8'");

    public static TheoryData<string, JobsListState> Views => JobsListEngineTests.Views;

    [Theory]
    [MemberData(nameof(Views))]
    public async Task LoadAsync_DatabaseCollatedForALanguage_ListsWhatSqliteLists(string view, JobsListState state)
    {
        var sqlite = await JobsListEngineTests.ListAsync(new RollupHarness(TimeZoneInfo.Utc), state);
        var postgres = await JobsListEngineTests.ListAsync(new RollupHarness(TimeZoneInfo.Utc, database.ConnectionString), state);

        Assert.True(sqlite.SequenceEqual(postgres), $"{view}: SQLite lists [{string.Join(", ", sqlite)}], PostgreSQL [{string.Join(", ", postgres)}]");
    }
}
