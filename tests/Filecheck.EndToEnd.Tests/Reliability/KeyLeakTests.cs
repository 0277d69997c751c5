using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Filecheck.Dashboard.History;
using Filecheck.Sandbox;
using Filecheck.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Filecheck.Dashboard.Data;
using static Filecheck.EndToEnd.Tests.Sharing.ShareJourneyTests;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// Each role walks the dashboard in Chromium (every well-known job with each of its views, search, trends and a CSV, a
/// share link, each error page) against a sandbox whose key is unique. Everything the browser received or sent, every
/// log line and the history file are searched: the key is in none of them, and a presigned URL's signature is only in
/// the Location of a download redirect.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyLeakTests(DashboardFixture fixture) : IAsyncLifetime
{
    // Unique to this run and recognisable; '+', '/' and '=' make its URL-encoded form differ from it.
    private static readonly string Key = "sk_test_leakcanary_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "+/=";
    private static readonly string[] RoleIds = ["staff", "manager", "cs", "admin"];
    private const string WebhookSecret = "leak-sweep-webhook-secret";
    // A signed address in both forms (the sandbox's sig= and S3's X-Amz-*), given to a new check: its signature and
    // credential must be stored nowhere and shown nowhere.
    private static readonly string PlantedSignature = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private static readonly string PlantedS3Signature = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private static readonly string PlantedCredential = "AKIALEAKSWEEP" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)) + "/20261207/us-east-1/s3/aws4_request";

    private readonly LogCapture _logs = new();
    private readonly LeakEvidence _evidence = new(Key);
    private DashboardHost _host = default!;
    private TrafficRecorder _recorder = default!;
    private ResponseTee _tee = default!;

    public Task InitializeAsync()
    {
        _recorder = new TrafficRecorder(_evidence);
        _tee = new ResponseTee(_evidence, () => _recorder.Role is { Length: > 0 } role ? role : "start");
        _evidence.AddSignature(PlantedSignature);
        _evidence.AddSignature(PlantedS3Signature);
        _evidence.AddCredential(PlantedCredential);
        _host = new DashboardHost(new() { ["Sandbox:ApiKey"] = Key, ["History:Webhooks:Secret"] = WebhookSecret }, web => web
            .ConfigureLogging(logging => _logs.AddTo(logging))
            .ConfigureServices(services =>
            {
                UpstreamRecorder.AddTo(services, _evidence);
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(_tee);
            }));
        _host.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private sealed class RoleFigures
    {
        public List<string> Pages { get; } = [];
        public int DownloadRedirects { get; set; }
        public int LogLines { get; set; }
        public List<string> UpstreamErrors { get; } = [];
        public int DatabaseCells { get; set; }
        public TimeSpan Took { get; set; }
    }

    [Fact]
    public async Task Journeys_EveryRole_KeyNowhereAndSignaturesOnlyInDownloadRedirects()
    {
        Assert.Equal(Key, _host.Sandbox.ApiKey);
        var recorder = _recorder;
        var figures = new Dictionary<string, RoleFigures>();
        var logLines = _logs.Lines.ToList();
        foreach (var role in RoleIds)
        {
            var clock = Stopwatch.StartNew();
            var before = _logs.Lines.Count;
            figures[role] = await JourneyAsync(role, recorder);
            // Each role's share of the log: the lines written while it walked (the background sync's included).
            foreach (var line in _logs.Lines.Skip(before)) _evidence.Add(role, EvidenceKind.Log, $"{line.Level} {line.Category}", line.Text);
            figures[role].LogLines = _logs.Lines.Count - before;
            AddDatabase(role);
            figures[role].DatabaseCells = AddDatabaseText(role);
            figures[role].Took = clock.Elapsed;
        }
        foreach (var line in logLines) _evidence.Add("start", EvidenceKind.Log, $"{line.Level} {line.Category}", line.Text);

        var hits = _evidence.Hits();
        ReliabilityReport.Write("key-leak", Report(figures, hits));

        // The sweep can see what it looks for: the key was the one sent upstream, signatures were received and each
        // download redirect carried one, and the frames hold the pages' text.
        Assert.True(_evidence.KeyedUpstreamRequests > 0, "no request upstream carried the configured key");
        Assert.True(_evidence.SignatureCount > 2, "no presigned URL was received from the sandbox");
        Assert.True(_evidence.CredentialCount > 1, "no S3 upload credential was received from the sandbox");
        Assert.Contains(_evidence.Items(kind: EvidenceKind.DatabaseText), d => d.Where.StartsWith("Checks.", StringComparison.Ordinal));
        var redirects = _evidence.Items(kind: EvidenceKind.DownloadLocation).ToList();
        Assert.NotEmpty(redirects);
        Assert.All(redirects, r => Assert.NotEmpty(_evidence.Signatures(r.Bytes)));
        Assert.Contains(_evidence.Items(kind: EvidenceKind.Frame), f => f.Bytes.AsSpan().IndexOf("job_demo_failing"u8) >= 0);
        // A body the browser dropped was searched in the server's copy.
        Assert.All(_recorder.Dropped, d => Assert.Contains(d, _tee.Seen));
        Assert.True(hits.Count == 0, string.Join('\n', hits.GroupBy(h => $"{h.Item.Role} {h.Item.Kind} {Regex.Replace(h.Item.Where, @"\?.*", "")}: {h.What}")
            .Select(g => $"{g.Count()} × {g.Key}, e.g. {g.First().Context}").Take(40)));
    }

    private async Task<RoleFigures> JourneyAsync(string role, TrafficRecorder recorder)
    {
        var figures = new RoleFigures();
        recorder.Role = role;
        var page = await fixture.Browser.Context.NewPageAsync();
        recorder.Attach(page);
        try
        {
            await page.SignInAsync(_host.BaseAddress, role, "/");
            await page.WaitForCircuitAsync();
            figures.Pages.Add("/");

            var first = true;
            foreach (var (id, _) in WellKnownJobs.All)
            {
                await JobAsync(page, recorder, id, figures, inCircuit: !first);
                first = false;
            }

            var orderId = _host.Sandbox.Jobs.Get(WellKnownJobs.Warning)!.OrderId!;
            await GoAsync(page, figures, "/jobs?q=" + Uri.EscapeDataString(orderId));
            await Assertions.Expect(page.Locator($"[data-testid=jobs-row][data-job={WellKnownJobs.Warning}]")).ToBeVisibleAsync();

            if (role is "manager" or "admin")
            {
                await GoAsync(page, figures, "/trends?days=90");
                await Assertions.Expect(page.GetByTestId("trends-summary")).ToContainTextAsync("finished jobs");
                await DownloadAsync(page, recorder, "csv-outcomes");
            }
            if (role is "cs" or "admin")
            {
                await GoAsync(page, figures, "/jobs/" + WellKnownJobs.Warning);
                await Assertions.Expect(page.GetByTestId("share-open")).ToBeVisibleAsync();
                var url = await CreateShareAsync(page);
                await page.GotoAsync(url);
                figures.Pages.Add("/s/{token}");
                await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=share-proof]')].every(i => i.complete && i.naturalWidth > 0)");
                Assert.True(await page.GetByTestId("share-proof").CountAsync() >= 2);
                await RedirectAsync(page, recorder, page.GetByTestId("share-download"), figures);
            }
            await ErrorPagesAsync(page, role, figures);
            if (role == "admin")
            {
                await AdminPagesAsync(page, figures);
                await NewCheckAsync(page, figures, fromUrl: false);
                await NewCheckAsync(page, figures, fromUrl: true);
                await WebhookAsync(page, recorder);
                // Last: a fault can open the breaker, which no later step should meet.
                await UpstreamErrorPagesAsync(page, figures);
            }
            await recorder.FlushAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
        return figures;
    }

    /// <summary>A job with a file and a step open on the timeline, then its files, proofs (and a download) and raw JSON.</summary>
    /// <param name="inCircuit">Opened as a click on a link would, in the same circuit (a job page's prerender holds no job).</param>
    private async Task JobAsync(IPage page, TrafficRecorder recorder, string id, RoleFigures figures, bool inCircuit)
    {
        var job = _host.Sandbox.Jobs.Get(id)!;
        var task = job.Tasks![0];
        var step = task.Steps!.FirstOrDefault(s => s.Outcome is "fail" or "warn") ?? task.Steps![0];
        var path = $"/jobs/{id}?file={task.Id}&step={step.Id}";
        if (inCircuit)
        {
            await page.EvaluateAsync("path => Blazor.navigateTo(path)", path);
            figures.Pages.Add("/jobs/" + id);
        }
        else
        {
            await GoAsync(page, figures, path);
        }
        await Assertions.Expect(page.GetByTestId("step-detail")).ToHaveAttributeAsync("data-step-id", step.Id);
        await Assertions.Expect(page.GetByTestId("timeline")).ToBeVisibleAsync();

        await TabAsync(page, "Files");
        await Assertions.Expect(page.GetByTestId("files-table")).ToBeVisibleAsync();
        await TabAsync(page, "Proofs");
        await Assertions.Expect(page.GetByTestId("runs").Or(page.GetByText("no files with proofs"))).ToBeVisibleAsync();
        if (await page.GetByTestId("proof-image").CountAsync() > 0)
        {
            await page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-testid=proof-image]'); return i.complete && i.naturalWidth > 0; }");
        }
        await RedirectAsync(page, recorder, page.GetByTestId("download"), figures);
        await TabAsync(page, "Raw JSON");
        await Assertions.Expect(page.GetByTestId("raw-json")).ToContainTextAsync(id);
        await DownloadAsync(page, recorder, "download-json");
    }

    /// <summary>A download link's redirect, requested without following it: its Location is the one place a signature may be.</summary>
    private async Task RedirectAsync(IPage page, TrafficRecorder recorder, ILocator links, RoleFigures figures)
    {
        if (await links.CountAsync() == 0) return;
        var href = await links.First.GetAttributeAsync("href");
        var response = await page.APIRequest.GetAsync(new Uri(_host.BaseAddress, href).ToString(), new() { MaxRedirects = 0 });
        Assert.Equal(302, response.Status);
        await recorder.RecordAsync(response, isDownloadRedirect: true);
        figures.DownloadRedirects++;
    }

    private async Task ErrorPagesAsync(IPage page, string role, RoleFigures figures)
    {
        await GoAsync(page, figures, "/no/such/page", circuit: false);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");

        // Each role is refused somewhere; an admin is refused nowhere, so sees the refusal page itself.
        var denied = role switch { "staff" or "cs" => "/trends", "manager" => "/shares", _ => "/account/denied" };
        await GoAsync(page, figures, denied, circuit: false);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You don't have access to this page");

        await GoAsync(page, figures, "/jobs/job_nosuchjob000000000000000");
        await Assertions.Expect(page.Locator("[data-testid=job-problem][data-kind=NotFound]")).ToBeVisibleAsync();

        await GoAsync(page, figures, "/");
        await page.FillAsync("#job-lookup", "job_<b>x</b>");
        await page.PressAsync("#job-lookup", "Enter");
        await Assertions.Expect(page.Locator(".lookup-box .mud-input-error").Last).ToContainTextAsync("job ID");
    }

    private async Task AdminPagesAsync(IPage page, RoleFigures figures)
    {
        foreach (var (path, title) in new[] { ("/admin/sync", "History sync"), ("/admin/rollups", "Trend rollups"), ("/admin/sessions", "Sessions") })
        {
            await GoAsync(page, figures, path);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
        }
    }

    /// <summary>A new check from an uploaded file (the upload's S3 form fields pass through the dashboard) or from a signed address.</summary>
    private async Task NewCheckAsync(IPage page, RoleFigures figures, bool fromUrl)
    {
        await GoAsync(page, figures, "/checks/new");
        if (fromUrl)
        {
            await page.GetByText("A file at an address").ClickAsync();
            var url = "https://leak-sweep.s3.amazonaws.com/orders/signed.pdf?expires=1900000000&sig=" + PlantedSignature
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + Uri.EscapeDataString(PlantedCredential)
                + "&X-Amz-Date=20261207T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=" + PlantedS3Signature + "#page=2";
            _evidence.AddTyped(url);
            await page.FillAsync("#check-url", url);
        }
        else
        {
            var file = Path.Combine(Directory.CreateTempSubdirectory("fc-leak-").FullName, "leak-sweep.pdf");
            await File.WriteAllTextAsync(file, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
            await page.GetByText("Upload a file").ClickAsync();
            await page.SetInputFilesAsync("#check-file", file);
        }
        await page.FillAsync("#check-note", "key-leak sweep");
        await page.GetByText("I understand this runs").ClickAsync();
        await page.GetByTestId("check-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/jobs/job_[0-9a-z]+$"));
        await Assertions.Expect(page.GetByTestId("job-header")).ToBeVisibleAsync();
        figures.Pages.Add(fromUrl ? "/checks/new (from an address)" : "/checks/new (upload)");
    }

    /// <summary>Filecheck's job.completed for a known job, as the intake receives it (the answer is searched too).</summary>
    private async Task WebhookAsync(IPage page, TrafficRecorder recorder)
    {
        var body = $$"""{"id":"{{WellKnownJobs.Failing}}","status":"done","outcome":"fail","taskIds":[],"tasks":[]}""";
        var headers = new Dictionary<string, string> { ["x-dashboard-webhook-secret"] = WebhookSecret, ["content-type"] = "application/json" };
        if (_host.Services.GetRequiredService<IOptions<HistoryOptions>>().Value.Webhooks.SigningSecret is { Length: > 0 } signing)
        {
            // Signed as Filecheck signs: HMAC-SHA256 over timestamp + "." + body.
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers[WebhookIntake.TimestampHeader] = timestamp;
            headers[WebhookIntake.SignatureHeader] = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signing), Encoding.UTF8.GetBytes(timestamp + "." + body)));
        }
        var response = await page.APIRequest.PostAsync(new Uri(_host.BaseAddress, WebhookIntake.Path).ToString(), new() { Headers = headers, Data = body });
        Assert.True(response.Status is 200 or 202, $"webhook intake answered {response.Status}: {await response.TextAsync()}");
        await recorder.RecordAsync(response);
    }

    /// <summary>A job the history does not hold, opened while the API answers 429, 503, a 502 page, then malformed JSON.</summary>
    private async Task UpstreamErrorPagesAsync(IPage page, RoleFigures figures)
    {
        var faults = _host.Sandbox.Faults;
        faults.RetryAfterSeconds = 1;
        var unknown = 0;
        foreach (var fault in new[] { SandboxFault.RateLimited, SandboxFault.ServerError, SandboxFault.HtmlBadGateway, SandboxFault.MalformedJson })
        {
            faults.Always(fault);
            try
            {
                await GoAsync(page, figures, "/jobs/" + $"job_leaksweep{unknown++}{fault.ToString().ToLowerInvariant()[..4]}".PadRight(28, '0'));
                var problem = page.GetByTestId("job-problem");
                await Assertions.Expect(problem).ToBeVisibleAsync(new() { Timeout = 60_000 });
                figures.UpstreamErrors.Add($"{fault}: {await problem.InnerTextAsync()}".ReplaceLineEndings(" "));
            }
            finally
            {
                faults.Clear();
            }
        }
    }

    private async Task GoAsync(IPage page, RoleFigures figures, string path, bool circuit = true)
    {
        // A body is only there until the page navigates away.
        await _recorder.FlushAsync();
        await page.GotoAsync(new Uri(_host.BaseAddress, path).ToString());
        if (circuit) await page.WaitForCircuitAsync();
        figures.Pages.Add(Regex.Replace(path, @"\?.*", ""));
    }

    private static async Task TabAsync(IPage page, string name)
    {
        var tab = page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^" + Regex.Escape(name)) });
        await tab.ClickAsync();
        await Assertions.Expect(tab).ToHaveAttributeAsync("aria-selected", "true");
    }

    private static async Task DownloadAsync(IPage page, TrafficRecorder recorder, string testId)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId(testId).First.ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.NotEmpty(bytes);
        recorder.AddDownload(download.SuggestedFilename, bytes);
    }

    /// <summary>The history database, its WAL and shared memory, and whatever else is in its folder.</summary>
    private void AddDatabase(string role)
    {
        var path = _host.Services.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath;
        // The sandbox's .lock is an empty file held open without sharing, so that a second dashboard does not reuse the folder.
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            _evidence.Add(role, EvidenceKind.Database, Path.GetFileName(file), copy.ToArray());
        }
    }

    /// <summary>Every text value of every table of the history database, one item per column (the files' bytes are searched too).</summary>
    private int AddDatabaseText(string role)
    {
        var path = _host.Services.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath;
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        var cells = 0;
        foreach (var table in tables)
        {
            var columns = new List<string>();
            using (var info = connection.CreateCommand())
            {
                info.CommandText = $"SELECT name FROM pragma_table_info('{table.Replace("'", "''")}')";
                using var reader = info.ExecuteReader();
                while (reader.Read()) columns.Add(reader.GetString(0));
            }
            foreach (var column in columns)
            {
                // Text whatever the declared type (SQLite stores any value in any column); blobs as their bytes.
                using var select = connection.CreateCommand();
                select.CommandText = $"SELECT \"{column.Replace("\"", "\"\"")}\" FROM \"{table.Replace("\"", "\"\"")}\" WHERE typeof(\"{column.Replace("\"", "\"\"")}\") IN ('text', 'blob')";
                using var reader = select.ExecuteReader();
                using var all = new MemoryStream();
                while (reader.Read())
                {
                    var bytes = reader.GetFieldType(0) == typeof(byte[]) ? (byte[])reader.GetValue(0) : Encoding.UTF8.GetBytes(reader.GetString(0));
                    all.Write(bytes);
                    all.WriteByte((byte)'\n');
                    cells++;
                }
                if (all.Length > 0) _evidence.Add(role, EvidenceKind.DatabaseText, $"{table}.{column}", all.ToArray());
            }
        }
        return cells;
    }

    private string Report(Dictionary<string, RoleFigures> figures, IReadOnlyList<LeakEvidence.Hit> hits)
    {
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        static string Mb(long bytes) => (bytes / 1024d / 1024d).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        var text = new StringBuilder();
        text.AppendLine("A journey in Chromium per demo role against the built-in sandbox, whose key was set to a unique value "
            + "(`sk_test_leakcanary_<32 random hex>+/=`): sign in; each well-known job (`job_demo_*`) with a file and a step open on the timeline, "
            + "then its files, proofs (a download redirect requested without following it) and raw JSON (downloaded); the jobs list "
            + "searched for an order; trends and a CSV (manager, admin); a share link created and opened (customer success, admin); "
            + "the 404 page, a refusal, an unknown job and the lookup's invalid-ID message. The admin also opens `/admin/sync`, `/admin/rollups` "
            + "and `/admin/sessions`; runs a new check from an uploaded file (the sandbox answers the upload with S3 POST fields: "
            + "`X-Amz-Credential`, `X-Amz-Signature`) and one from a signed address carrying both forms (`sig=` and `X-Amz-Signature`/`X-Amz-Credential`, "
            + "values unique to the run); posts Filecheck's `job.completed` to the webhook intake; and opens an unknown job while the API answers "
            + "429, 500, an HTML 502 and malformed JSON (each upstream error page).");
        text.AppendLine();
        text.AppendLine("Searched: every HTTP response's headers and body as the browser got it (Playwright's response events, the downloads and the redirects) "
            + "and as the dashboard sent it (a copy taken by the test host's first middleware), "
            + "every WebSocket frame in both directions (the circuit's binary frames as bytes), every line the dashboard logged at any "
            + "level (a capturing logger at Trace: message, values, scopes, exception), the history folder's files (database, `-wal`, `-shm`) as bytes, "
            + "and every text or blob value of every column of every table of the database, read through SQLite. "
            + $"Searched for: the key in {_evidence.KeyForms.Count} forms (as set, its random part, URL-encoded, base64 and base64url at each "
            + $"byte alignment); the {N(_evidence.SignatureCount)} signatures (the sandbox's `sig=` and S3's `X-Amz-Signature`) received from the API or planted in the signed address, "
            + $"and {N(_evidence.CredentialCount)} S3 credentials (`X-Amz-Credential`), each wherever it appears; and any `?sig=`/`&sig=` with 64 hex digits, "
            + "`X-Amz-Signature` or `X-Amz-Credential` with a value (query parameter or JSON field), known or not "
            + $"({N(_evidence.KeyedUpstreamRequests)} requests upstream carried the key). Asserted: no hit; a signature only in the Location of a download redirect.");
        text.AppendLine();
        text.AppendLine("| role | pages visited | responses (browser + server copy) | response bytes | frames | frame bytes | downloads | log lines | database bytes | database values | hits | took |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (role, f) in figures)
        {
            var items = _evidence.Items(role).ToList();
            long Bytes(params EvidenceKind[] kinds) => items.Where(i => kinds.Contains(i.Kind)).Sum(i => (long)i.Bytes.Length);
            int Count(EvidenceKind kind) => items.Count(i => i.Kind == kind);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {role} | {f.Pages.Count} | {N(Count(EvidenceKind.Headers))} + {N(Count(EvidenceKind.ServerHeaders))} "
                + $"| {Mb(Bytes(EvidenceKind.Headers, EvidenceKind.Body, EvidenceKind.ServerHeaders, EvidenceKind.ServerBody, EvidenceKind.DownloadLocation))} "
                + $"| {N(Count(EvidenceKind.Frame))} | {Mb(Bytes(EvidenceKind.Frame))} | {Count(EvidenceKind.Download)} + {f.DownloadRedirects} redirects "
                + $"| {N(f.LogLines)} | {Mb(Bytes(EvidenceKind.Database))} | {N(f.DatabaseCells)} | {hits.Count(h => h.Item.Role == role)} | {f.Took.TotalSeconds:0} s |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Pages per role: {string.Join(", ", figures.ToDictionary(f => f.Key, f => f.Value.Pages.Distinct().Count()).Select(p => $"{p.Key} {p.Value} distinct"))}. "
            + $"Lines logged before the first sign-in (start, first sync): {N(_evidence.Items("start", EvidenceKind.Log).Count())}; hits in them: {hits.Count(h => h.Item.Role == "start")}. "
            + $"Responses whose body the browser dropped as its page moved on: {_recorder.Dropped.Count} (each searched in the server's copy); "
            + $"redirects and downloads (no body of their own in the browser): {_recorder.BodilessResponses}.");
        foreach (var error in figures.Values.SelectMany(f => f.UpstreamErrors)) text.AppendLine(CultureInfo.InvariantCulture, $"- Upstream error page, {error}");
        if (hits.Count > 0)
        {
            text.AppendLine();
            foreach (var hit in hits.Take(20)) text.AppendLine("- " + hit.ToString().Replace("|", "\\|"));
        }
        return text.ToString();
    }
}
