using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Data.Move;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs.JobsList;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Trends;
using Filecheck.Dashboard.Tests.Sharing;
using Filecheck.Sandbox;
using Filecheck.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// <c>move-history</c> end to end: a SQLite history filled by the sandbox's sync (with shares, a decision, a comment and
/// their audit), moved into the run's PostgreSQL by the built DLL, killed with SIGKILL once half the rows are committed,
/// resumed, then every table of the model equal on both sides, and the dashboard on PostgreSQL answering as it did on SQLite.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HistoryMoveTests(ITestOutputHelper output)
{
    /// <summary>Jobs the sandbox syncs into the source: 300 in the suite; <c>FILECHECK_MOVE_JOBS=5000</c> for the issue's full run.</summary>
    private static int JobCount => int.TryParse(Environment.GetEnvironmentVariable("FILECHECK_MOVE_JOBS"), out var jobs) && jobs > 0 ? jobs : 300;

    /// <summary>The trends views compared, with explicit days so that both engines are asked the same whenever the test runs.</summary>
    private static readonly string[] TrendsViews = Views(DateOnly.FromDateTime(DateTime.UtcNow));

    private const int BatchSize = 100;

    [Fact]
    public async Task MoveHistory_SyncedHistoryKilledHalfwayThenResumed_EveryTableEqual_AndTheDashboardAnswersTheSame()
    {
        using var source = new TempStore();
        var target = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var (sqliteAnswers, sqliteJobsPage, sqliteTrends, shareToken) = await BuildSourceAsync(source.File);
            output.WriteLine($"source: {JobCount} jobs synced, shares decided, in {clock.Elapsed.TotalSeconds:0.0} s");
            var sourceRows = await CountsAsync(new SqliteConnection(DataSetup.ConnectionString(source.File)));
            SqliteConnection.ClearAllPools();
            Assert.All(new[] { "Jobs", "Tasks", "Steps", "Snapshots", "RollupJobs", "RollupOutcomes", "Shares", "SharedFiles", "ShareRounds", "ShareDecisions", "ShareComments", "ShareAudit", "SyncState", "Sessions", "DataProtectionKeys" },
                table => Assert.True(sourceRows[table] > 0, $"The source history has no {table} rows: the move would not be tested on them."));
            var settings = DashboardDll.OnPostgres(target);
            var migrate = await DashboardDll.RunAsync(["migrate"], settings);
            Assert.True(migrate.ExitCode == 0, migrate.Stdout + migrate.Stderr);

            clock.Restart();
            var killedAt = await MoveUntilAThirdAndKillAsync(source.File, settings, target, sourceRows.Values.Sum());
            var (committed, tablesDone) = await ProgressAsync(target);
            output.WriteLine($"killed after {clock.Elapsed.TotalSeconds:0.0} s at {killedAt:N0} of {sourceRows.Values.Sum():N0} rows ({committed:N0} committed)");
            Assert.InRange(committed, 1, sourceRows.Values.Sum() - 1);
            Assert.True(tablesDone < sourceRows.Count, "Every table was done before the kill: it did not land halfway.");

            clock.Restart();
            var resumed = await DashboardDll.RunAsync(["move-history", "--from", source.File, "--batch-size", BatchSize.ToString(CultureInfo.InvariantCulture)], settings,
                limit: TimeSpan.FromMinutes(5));
            output.WriteLine($"resumed and verified in {clock.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine(resumed.Stdout[Math.Max(0, resumed.Stdout.IndexOf('┌'))..]);

            Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
            Assert.Contains("Resuming the move", resumed.Stdout);
            Assert.Contains("Moved: every table has the same rows and content on both sides", resumed.Stdout);
            // Every table of the model is in the printed comparison, the same on both sides; none is missing from the move.
            var printed = Regex.Matches(resumed.Stdout, @"^│ (\w+)\s+│ ([\d,]+)\s+│ ([\d,]+)\s+│ (\w+)\s+│ (\w+)\s+│ (\w+)\s+│$", RegexOptions.Multiline)
                .ToDictionary(m => m.Groups[1].Value, m => m);
            Assert.Equal(ModelTables().Order(StringComparer.Ordinal), printed.Keys.Order(StringComparer.Ordinal));
            Assert.All(printed.Values, m => Assert.Equal("yes", m.Groups[6].Value));
            // Counted and hashed again here, from both databases, for every table of the model.
            var targetRows = await CountsAsync(new NpgsqlConnection(target));
            Assert.Equal(sourceRows, targetRows);
            await AssertSameContentAsync(source.File, target);

            // The dashboard on PostgreSQL: the same jobs list, the same /jobs page, the moved share opens, and new rows get new IDs.
            await using var moved = new SharingApp(PostgresSettings(target), JobCount);
            Assert.Equal(sqliteAnswers, await JobsListAnswersAsync(moved.Services));
            Assert.Equal(sqliteTrends, await TrendsAnswersAsync(moved.Services));
            var staff = await moved.SignedInClientAsync("staff");
            Assert.Equal(sqliteJobsPage, JobLinks(await staff.GetStringAsync("/jobs")));
            var page = await moved.Anonymous().GetAsync(ShareUrls.Page(shareToken));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var newShare = await moved.ShareAsync();
            Assert.True(newShare.Id > sourceRows["Shares"], $"A share made after the move got ID {newShare.Id}, not past the {sourceRows["Shares"]} moved.");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresCluster.Shared.DropDatabaseAsync(target);
        }
    }

    /// <summary>The sandbox's sync into <paramref name="file"/>, two shares answered, a comment; what the jobs list and /jobs answer on SQLite.</summary>
    private static async Task<(List<string> Answers, List<string> JobsPage, List<string> Trends, string ShareToken)> BuildSourceAsync(string file)
    {
        await using var app = new SharingApp(new Dictionary<string, string?>
        {
            ["History:DatabasePath"] = file,
            ["History:Sync:MaxDetailsPerRun"] = "1000000",
            ["History:Sync:DetailConcurrency"] = "8",
            ["History:Sync:DetailBatch"] = "100",
            ["History:Sync:RequestsPerMinute"] = "1000000",
        }, JobCount);
        var sync = await app.Services.GetRequiredService<HistorySyncRunner>().RunOnceAsync();
        Assert.True(sync.Completed, sync.Failure?.Message);

        var share = await app.ShareAsync(note: "First proofs");
        var customer = app.Anonymous(new CookieContainer());
        var form = DashboardApp.FormToken(await customer.GetStringAsync(ShareUrls.Page(share.Token)));
        Assert.Equal(HttpStatusCode.SeeOther, (await customer.PostAsync(ShareUrls.Comments(share.Token), CommentEngineTests.Form(form, CommentEngineTests.Add("The bleed is missing.")))).StatusCode);
        Assert.Equal(DecisionOutcome.Recorded, (await app.Shares.DecideAsync(share.Token, 1, ShareDecisions.Approved, "Ada Customer", "Looks right")).Outcome);
        var (many, _) = await app.ShareManyJobsAsync(3);
        var corrected = await app.ShareAsync(WellKnownJobs.Warning, j => j.Tasks!.Take(1));
        Assert.Equal(DecisionOutcome.Recorded, (await app.Shares.DecideAsync(corrected.Token, 1, ShareDecisions.ChangesRequested, "Ada Customer", "Too dark")).Outcome);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var casey = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "casey-oid"), new Claim("name", "Casey CS")], "test", "name", "roles"));
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ShareRounds>().AddAsync(corrected.Id, 1, WellKnownJobs.Fixed, casey));
        }
        Assert.Equal(DecisionOutcome.Recorded, (await app.Shares.DecideAsync(many.Token, 1, ShareDecisions.ChangesRequested, "Ada Customer", "Add bleed")).Outcome);

        var staff = await app.SignedInClientAsync("staff");
        var jobsPage = JobLinks(await staff.GetStringAsync("/jobs"));
        Assert.NotEmpty(jobsPage);
        var trends = await TrendsAnswersAsync(app.Services);
        Assert.Contains(trends, t => t.Contains("\"HasHistory\": true", StringComparison.Ordinal));
        return (await JobsListAnswersAsync(app.Services), jobsPage, trends, share.Token);
    }

    private static Dictionary<string, string?> PostgresSettings(string connectionString) => new()
    {
        ["History:Provider"] = "Postgres",
        ["ConnectionStrings:History"] = connectionString,
    };

    /// <summary>
    /// Starts the move in small batches and SIGKILLs it once the target's progress table shows a third of the source's rows
    /// committed. Paced to last about 6 s in all, so the kill lands mid-move on a busy machine too.
    /// </summary>
    private static async Task<long> MoveUntilAThirdAndKillAsync(string file, Dictionary<string, string> settings, string target, long rows)
    {
        var pace = Math.Max(BatchSize, rows / 6).ToString(CultureInfo.InvariantCulture);
        using var move = DashboardDll.Start(["move-history", "--from", file, "--batch-size", BatchSize.ToString(CultureInfo.InvariantCulture), "--rows-per-second", pace], settings);
        var stdout = move.StandardOutput.ReadToEndAsync();
        var stderr = move.StandardError.ReadToEndAsync();
        long committed = 0;
        var limit = Stopwatch.StartNew();
        while (!move.HasExited && limit.Elapsed < TimeSpan.FromMinutes(2))
        {
            // The progress table appears with the move's first transaction.
            committed = await TableExistsAsync(target) ? (await ProgressAsync(target)).Committed : 0;
            if (committed * 3 >= rows) break;
            await move.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(50)).Token).ContinueWith(_ => { });
        }
        var exitedFirst = move.HasExited;
        move.Kill(entireProcessTree: true); // SIGKILL: no cleanup, a batch may be half sent
        await move.WaitForExitAsync();
        Assert.False(exitedFirst, $"The move ended (exit {move.ExitCode}) before it could be killed:\n{await stdout}\n{await stderr}");
        Assert.NotEqual(0, move.ExitCode);
        return committed;
    }

    private static async Task<bool> TableExistsAsync(string target)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('\"{HistoryMove.ProgressTable}\"') IS NOT NULL", connection);
        return (bool)(await exists.ExecuteScalarAsync())!;
    }

    private static async Task<(long Committed, int TablesDone)> ProgressAsync(string target)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand($"SELECT COALESCE(SUM(\"Rows\"), 0)::bigint, COUNT(*) FILTER (WHERE \"Done\")::int FROM \"{HistoryMove.ProgressTable}\"", connection);
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt32(1));
    }

    private static IReadOnlyList<string> ModelTables()
    {
        using var db = new SqliteDashboardDbContext(new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite("Data Source=:memory:").Options);
        return db.Model.GetRelationalModel().Tables.Select(t => t.Name).ToList();
    }

    /// <summary>Rows per table of the model, counted with SQL on the given database.</summary>
    private static async Task<SortedDictionary<string, long>> CountsAsync(System.Data.Common.DbConnection connection)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in ModelTables())
            {
                await using var count = connection.CreateCommand();
                count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
                counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            }
            return counts;
        }
    }

    private static async Task AssertSameContentAsync(string file, string target)
    {
        await using var sqlite = new SqliteConnection(DataSetup.ConnectionString(file));
        await using var postgres = new NpgsqlConnection(target);
        await sqlite.OpenAsync();
        await postgres.OpenAsync();
        await using var db = new PostgresDashboardDbContext(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(target).Options);
        foreach (var table in HistoryMove.TablesOf(db.Model))
        {
            Assert.Equal(await HistoryMove.HashAsync(sqlite, table, default), await HistoryMove.HashAsync(postgres, table, default));
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>What the jobs list answers for a few views: rows in order and the total, one line per view.</summary>
    private static async Task<List<string>> JobsListAnswersAsync(IServiceProvider services)
    {
        JobsListState[] views =
        [
            new() { Range = JobsListRange.AllTime },
            new() { Range = JobsListRange.AllTime, Page = 3 },
            new() { Range = JobsListRange.AllTime, Sort = JobsListSort.Outcome, Desc = false },
            new() { Range = JobsListRange.AllTime, Sort = JobsListSort.Channel, Desc = true },
            new() { Range = JobsListRange.AllTime, FileName = "pdf" },
            new() { Range = JobsListRange.Quarter, Sort = JobsListSort.Files },
        ];
        using var scope = services.CreateScope();
        var list = scope.ServiceProvider.GetRequiredService<IJobsList>();
        var answers = new List<string>();
        foreach (var view in views)
        {
            var result = await list.LoadAsync(view);
            Assert.Null(result.Problem);
            answers.Add($"{result.TotalText}: {string.Join(",", result.Rows.Select(r => $"{r.Id}/{r.Outcome}/{r.FileCount}"))}");
        }
        return answers;
    }

    private static string[] Views(DateOnly today) =>
    [
        $"from={today.AddDays(-89):yyyy-MM-dd}&to={today:yyyy-MM-dd}&group=week",
        $"from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}&group=day",
        $"from={today.AddDays(-179):yyyy-MM-dd}&to={today:yyyy-MM-dd}&group=month&unit=files",
    ];

    /// <summary>The trends report of each view, as JSON: every figure the page draws.</summary>
    private static async Task<List<string>> TrendsAnswersAsync(IServiceProvider services)
    {
        var query = services.GetRequiredService<TrendsQuery>();
        var answers = new List<string>();
        foreach (var view in TrendsViews)
        {
            var report = await query.LoadAsync(TrendsViewState.FromQuery("?" + view));
            answers.Add(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        }
        return answers;
    }

    private static List<string> JobLinks(string html) =>
        Regex.Matches(html, "href=\"/jobs/(job_[^\"?]+)").Select(m => m.Groups[1].Value).ToList();
}
