using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Filecheck.EndToEnd.Tests.Support;
using Filecheck.Sandbox;
using Microsoft.Data.Sqlite;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// The built dashboard as its own process (real Kestrel on 127.0.0.1, a SQLite store in a temporary folder), stopped by
/// SIGTERM in the middle of a burst of proof views and downloads by staff and of share page views and proof images by a
/// customer, while another writer holds the store for a few seconds (a long sync batch, a backup): every request it
/// answered has its audit row or is in its link's counters, and the answers never waited for the store.
/// </summary>
public sealed class ReadAuditShutdownTests
{
    private const int Workers = 8;
    private const int StopAfterAnswers = 120;
    private const int HoldStoreAfterAnswers = 60;
    private static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Sigterm_DuringABurstOfProofViewsDownloadsAndShareViews_EveryAnsweredReadIsAudited()
    {
        var database = Filecheck.Testing.TempStore.NewDatabasePath("fc-sigterm-");
        try
        {
            var (accepted, exitCode, leftInQueue) = await BurstThenStopAsync(database);

            Assert.Equal(0, exitCode);
            Assert.True(accepted.Proofs > 0 && accepted.Downloads > 0 && accepted.ShareViews > 0 && accepted.ShareImages > 0,
                $"the burst had {accepted.Proofs} proof(s), {accepted.Downloads} download(s), {accepted.ShareViews} share view(s), {accepted.ShareImages} share image(s)");
            var audited = await AuditedAsync(StoreOf(database));
            // The share's first view is an audit row; every view and image after it only its link's counters.
            Assert.Equal(accepted with { FirstViewRows = 1 }, audited);
            Assert.Equal(0, leftInQueue);
        }
        finally
        {
            Filecheck.Testing.TempStore.Delete(database);
        }
    }

    /// <summary>What was answered (or audited): staff proofs and downloads, share page views and proof images, first-view rows.</summary>
    private sealed record Reads(int Proofs, int Downloads, int ShareViews, int ShareImages, int FirstViewRows = 0);

    private static async Task<(Reads Accepted, int ExitCode, int LeftInQueue)> BurstThenStopAsync(string database)
    {
        await using var dashboard = await DashboardProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Auth__Mode"] = "Demo",
            ["Sandbox__JobCount"] = "40",
            ["Sandbox__Seed"] = "7",
            ["History__DatabasePath"] = database,
            ["History__Sync__Enabled"] = "false",
            // The answer never waits for its audit: what is still on its way at the stop is what a stop could lose.
            ["History__WriteThroughBudget"] = "00:00:00.001",
            ["Limits__DownloadsPerMinute"] = "100000",
            ["Limits__ProofsPerMinute"] = "100000",
        });
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = dashboard.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        await SignInAsync(client, "staff");
        // The probes are proof views, downloads, share views and images too: they count.
        var (reads, proofs, downloads) = await ReadsAsync(client);
        var (shareReads, shareViews, shareImages) = await ShareReadsAsync(client, StoreOf(database));
        reads.AddRange(shareReads);
        var answered = 0;
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = -1;
        var failures = new ConcurrentQueue<string>();
        async Task WorkerAsync()
        {
            while (true)
            {
                var url = reads[(int)((uint)Interlocked.Increment(ref next) % reads.Count)];
                HttpResponseMessage response;
                try
                {
                    response = await client.GetAsync(url);
                }
                catch (HttpRequestException) when (stopped.Task.IsCompleted)
                {
                    return; // the server stopped taking requests
                }
                using (response)
                {
                    var share = url.StartsWith("/s/", StringComparison.Ordinal);
                    if (response.StatusCode == HttpStatusCode.OK && share && url.Contains("/proofs/", StringComparison.Ordinal)) Interlocked.Increment(ref shareImages);
                    else if (response.StatusCode == HttpStatusCode.OK && share) Interlocked.Increment(ref shareViews);
                    else if (response.StatusCode == HttpStatusCode.OK && url.Contains("/proofs/", StringComparison.Ordinal)) Interlocked.Increment(ref proofs);
                    else if (response.StatusCode == HttpStatusCode.Redirect && url.EndsWith("/download", StringComparison.Ordinal)) Interlocked.Increment(ref downloads);
                    else failures.Enqueue($"{(int)response.StatusCode} {url}");
                    var count = Interlocked.Increment(ref answered);
                    if (count == HoldStoreAfterAnswers) holding.TrySetResult();
                    if (count == StopAfterAnswers) stopped.TrySetResult();
                }
            }
        }
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkerAsync)).ToList();
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(60));
        int exitCode;
        // Another writer holds the store: the answers go on (reads never wait for their audit), their audit cannot land yet.
        await using (var holder = new SqliteConnection($"Data Source={StoreOf(database)};Pooling=False;Default Timeout=30"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }
            await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await dashboard.TerminateAsync();
            // The store comes back a few seconds into the stop (or once the process is gone, if it did not wait for it).
            var exit = dashboard.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await Task.WhenAny(exit, Task.Delay(HeldFor));
            await using (var rollback = holder.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }
            exitCode = await exit;
        }
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(failures.IsEmpty, "unexpected answers: " + string.Join(", ", failures.Take(5)) + "\n" + dashboard.Output);
        var left = Directory.GetDirectories(Path.GetDirectoryName(database)!, "*.read-audit").Sum(queue => Directory.GetFiles(queue).Length);
        return (new Reads(proofs, downloads, shareViews, shareImages), exitCode, left);
    }

    /// <summary>Proof views and downloads of the well-known jobs' files that have both (from the raw JSON and the runs).</summary>
    private static async Task<(List<string> Reads, int Proofs, int Downloads)> ReadsAsync(HttpClient client)
    {
        var reads = new List<string>();
        int proofs = 0, downloads = 0;
        foreach (var job in new[] { WellKnownJobs.Passing, WellKnownJobs.Fixed, WellKnownJobs.Warning, WellKnownJobs.Failing })
        {
            using var raw = JsonDocument.Parse(await client.GetStringAsync($"/jobs/{job}/raw.json"));
            foreach (var task in raw.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()!))
            {
                var proof = $"/jobs/{job}/files/{task}/proofs/1";
                var download = $"/jobs/{job}/files/{task}/download";
                using var proofAnswer = await client.GetAsync(proof);
                using var downloadAnswer = await client.GetAsync(download);
                if (proofAnswer.StatusCode == HttpStatusCode.OK) proofs++;
                if (downloadAnswer.StatusCode == HttpStatusCode.Redirect) downloads++;
                if (proofAnswer.StatusCode == HttpStatusCode.OK && downloadAnswer.StatusCode == HttpStatusCode.Redirect) reads.AddRange([proof, download]);
            }
        }
        Assert.NotEmpty(reads);
        return (reads, proofs, downloads);
    }

    /// <summary>
    /// A link to every file of the warning job, made in the store as customer success's dialog makes it (its token's hash,
    /// its files), then its page and every proof on it read once: the customer's reads of the burst.
    /// </summary>
    private static async Task<(List<string> Reads, int Views, int Images)> ShareReadsAsync(HttpClient client, string store)
    {
        using var raw = JsonDocument.Parse(await client.GetStringAsync($"/jobs/{WellKnownJobs.Warning}/raw.json"));
        var tasks = raw.RootElement.GetProperty("tasks").EnumerateArray()
            .Select(t => (Id: t.GetProperty("id").GetString()!, Name: t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null)).ToList();
        var token = Filecheck.Dashboard.Sharing.ShareToken.New();
        await using (var connection = new SqliteConnection($"Data Source={store};Mode=ReadWrite;Pooling=False;Default Timeout=30"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            insert.CommandText = """
                INSERT INTO "Shares" ("TokenHash", "CreatedBy", "CreatedById", "CreatedAt", "ExpiresAt", "AllowDownloads", "AskApproval", "ViewCount", "ImageCount")
                VALUES ($hash, 'Cody Success', 'demo-cs', $now, $expires, 0, 0, 0, 0);
                SELECT last_insert_rowid();
                """;
            insert.Parameters.AddWithValue("$hash", Filecheck.Dashboard.Sharing.ShareToken.Hash(token));
            insert.Parameters.AddWithValue("$now", now);
            insert.Parameters.AddWithValue("$expires", now + (long)TimeSpan.FromDays(7).TotalMilliseconds);
            var id = (long)(await insert.ExecuteScalarAsync())!;
            for (var i = 0; i < tasks.Count; i++)
            {
                await using var file = connection.CreateCommand();
                file.CommandText = """INSERT INTO "SharedFiles" ("ShareId", "Position", "JobId", "TaskId", "Name") VALUES ($share, $position, $job, $task, $name)""";
                file.Parameters.AddWithValue("$share", id);
                file.Parameters.AddWithValue("$position", i + 1);
                file.Parameters.AddWithValue("$job", WellKnownJobs.Warning);
                file.Parameters.AddWithValue("$task", tasks[i].Id);
                file.Parameters.AddWithValue("$name", (object?)tasks[i].Name ?? DBNull.Value);
                await file.ExecuteNonQueryAsync();
            }
        }
        var page = Filecheck.Dashboard.Sharing.ShareUrls.Page(token);
        using var answer = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var proofs = Regex.Matches(await answer.Content.ReadAsStringAsync(), "<img src=\"(?<src>[^\"]+)\"[^>]*data-testid=\"share-proof\"")
            .Select(m => WebUtility.HtmlDecode(m.Groups["src"].Value)).ToList();
        Assert.NotEmpty(proofs);
        foreach (var proof in proofs)
        {
            using var image = await client.GetAsync(proof);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        }
        return ([page, .. proofs], 1, proofs.Count);
    }

    /// <summary>On its built-in sandbox the dashboard keeps its store beside the configured file, as history.sandbox.db.</summary>
    private static string StoreOf(string database) => Path.ChangeExtension(database, ".sandbox.db");

    private static async Task<Reads> AuditedAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadWrite;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM "Lookups" WHERE "Action" = 'proof' AND "Result" LIKE 'shown %'),
                   (SELECT COUNT(*) FROM "Lookups" WHERE "Action" = 'download' AND "Result" LIKE 'sent %'),
                   (SELECT COALESCE(SUM("ViewCount"), 0) FROM "Shares"),
                   (SELECT COALESCE(SUM("ImageCount"), 0) FROM "Shares"),
                   (SELECT COUNT(*) FROM "ShareAudit" WHERE "Action" = 'view' AND "Detail" = 'first view')
            """;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Reads(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
    }

    private static async Task SignInAsync(HttpClient client, string user)
    {
        var page = await client.GetStringAsync("/account/signin");
        var form = Regex.Match(page, $"""<form[^>]*action="/account/demo-signin"[^>]*>(?:(?!</form>).)*value="{user}"(?:(?!</form>).)*</form>""", RegexOptions.Singleline);
        Assert.True(form.Success, $"The sign-in page has no form for demo user '{user}'.");
        var token = Regex.Match(form.Value, """name="__RequestVerificationToken"[^>]*value="([^"]+)" """.Trim()).Groups[1].Value;
        using var response = await client.PostAsync("/account/demo-signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["user"] = user,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}
