using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

/// <summary><c>POST /uploads</c>, the presigned upload target and <c>POST /jobs</c>, over real HTTP, each answer checked against openapi.json.</summary>
public sealed class NewCheckTests
{
    private static readonly SpecValidator Spec = new();
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n% sandbox test file\n" + new string('x', 4000) + "\n%%EOF\n");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3, 4];

    private static async Task<(int Status, string Body)> PostJson(Sandbox sb, string path, string? json)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await sb.Http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonObject> CreateUpload(Sandbox sb, string? body = "{\"mimeType\":\"application/pdf\"}")
    {
        var (status, text) = await PostJson(sb, "/uploads", body);
        Assert.True(status == 200, $"POST /uploads -> {status}: {text}");
        Spec.AssertValid(SpecValidator.ResponseName("post", "/uploads", 200), text, "POST /uploads");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The S3-style form: every field, then the file last; no bearer (the form carries its credentials).</summary>
    private static async Task<(int Status, string Body)> Upload(JsonObject credentials, HttpContent file, Action<Dictionary<string, string>>? tamper = null, string name = "artwork.pdf")
    {
        var fields = credentials["upload"]!["fields"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
        tamper?.Invoke(fields);
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        form.Add(file, "file", name);
        using var anonymous = new HttpClient();
        using var response = await anonymous.PostAsync((string)credentials["upload"]!["url"]!, form);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> UploadedFileRef(Sandbox sb, byte[] bytes, string name = "artwork.pdf")
    {
        var credentials = await CreateUpload(sb);
        var (status, body) = await Upload(credentials, new ByteArrayContent(bytes), name: name);
        Assert.True(status == 204, $"upload -> {status}: {body}");
        return (string)credentials["fileRef"]!;
    }

    [Fact]
    public async Task PostUploads_Credentials_HaveTheSpecShapeLimitAndExpiry()
    {
        await using var sb = await Sandbox.StartAsync();
        var credentials = await CreateUpload(sb);
        Assert.StartsWith("upload_", (string)credentials["fileRef"]!);
        Assert.Equal(524_288_000, (long)credentials["maxBytes"]!);
        Assert.Equal(300, (int)credentials["expiresIn"]!);
        Assert.Equal("POST", (string)credentials["upload"]!["method"]!);
        var fields = credentials["upload"]!["fields"]!.AsObject();
        foreach (var f in new[] { "key", "bucket", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "Policy", "X-Amz-Signature" })
            Assert.True(fields.ContainsKey(f), f);

        // No body at all is allowed too.
        await CreateUpload(sb, body: null);
    }

    [Theory]
    [InlineData("{\"sizeBytes\":524288001}", "over the upload limit")]
    [InlineData("{\"size\":10}", "Unknown property: size")]
    [InlineData("{\"sizeBytes\":\"big\"}", "sizeBytes must be")]
    [InlineData("[1]", "must be a JSON object")]
    public async Task PostUploads_BadBody_Gets400AppError(string body, string message)
    {
        await using var sb = await Sandbox.StartAsync();
        var (status, text) = await PostJson(sb, "/uploads", body);
        Assert.Equal(400, status);
        Spec.AssertValid("Error", text, "POST /uploads " + body);
        Assert.Contains(message, (string)JsonNode.Parse(text)!["message"]!);
        Assert.True((bool)JsonNode.Parse(text)!["error"]!);
    }

    [Fact]
    public async Task UploadTarget_ExpiredOrTamperedCredentials_AreRefused()
    {
        await using var sb = await Sandbox.StartAsync();
        var credentials = await CreateUpload(sb);

        var (status, body) = await Upload(credentials, new ByteArrayContent(Pdf), f => f["X-Amz-Signature"] = new string('0', 64));
        Assert.Equal(403, status);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", body);

        (status, body) = await Upload(credentials, new ByteArrayContent(Pdf), f => f["key"] = "u/42/upload_someone_else");
        Assert.Equal(403, status);
        Assert.Contains("<Code>AccessDenied</Code>", body);

        sb.Clock.Advance(TimeSpan.FromSeconds(301));
        (status, body) = await Upload(credentials, new ByteArrayContent(Pdf));
        Assert.Equal(403, status);
        Assert.Contains("Policy expired", body);

        // Nothing of it arrived: the fileRef cannot be used.
        var (jobStatus, jobBody) = await PostJson(sb, "/jobs", $$"""{"sources":[{"fileRef":"{{credentials["fileRef"]}}","steps":[{"type":"preflight"}]}]}""");
        Assert.Equal(400, jobStatus);
        Assert.Contains("no uploaded file", jobBody);
    }

    [Fact]
    public async Task UploadTarget_WithAnApiKey_IsRefused_SoTheKeyNeverNeedsToGoThere()
    {
        await using var sb = await Sandbox.StartAsync();
        var credentials = await CreateUpload(sb);
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in credentials["upload"]!["fields"]!.AsObject()) form.Add(new StringContent((string)v!), k);
        form.Add(new ByteArrayContent(Pdf), "file", "a.pdf");
        using var response = await sb.Http.PostAsync((string)credentials["upload"]!["url"]!, form); // sb.Http carries the bearer
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Only one auth mechanism", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UploadTarget_BodyOverTheLimit_IsRefused_WithOrWithoutContentLength()
    {
        await using var sb = await Sandbox.StartAsync(o => o.UploadMaxBytes = 256 * 1024);
        var credentials = await CreateUpload(sb);
        Assert.Equal(256 * 1024, (long)credentials["maxBytes"]!);
        var big = new byte[400 * 1024];
        "%PDF"u8.CopyTo(big);

        var (status, body) = await Upload(credentials, new ByteArrayContent(big));
        Assert.Equal(400, status);
        Assert.Contains("<Code>EntityTooLarge</Code>", body);

        // Chunked (no length known up front): refused while streaming, once the count passes the limit.
        var (chunkedStatus, chunkedBody) = await Upload(credentials, new StreamContent(new NoLengthStream(big)));
        Assert.Equal(400, chunkedStatus);
        Assert.Contains("EntityTooLarge", chunkedBody);
    }

    [Fact]
    public async Task PostJobs_FromAnUpload_RunsWithTheClock_AndIsListedUnderItsOrder()
    {
        await using var sb = await Sandbox.StartAsync();
        var fileRef = await UploadedFileRef(sb, Pdf, "corrected-flyer.pdf");
        var request = $$"""
        {
          "sources": [{
            "fileRef": "{{fileRef}}",
            "steps": [
              { "type": "preflight", "params": { "profileId": "preflight_standard_flyers" } },
              { "type": "autofix" },
              { "type": "repreflight", "params": { "profileId": "preflight_standard_flyers" } },
              { "type": "validate", "params": { "profile": ["1b", "ua1"] } },
              { "type": "previews", "label": "thumbnails" }
            ]
          }],
          "orderId": "order_check_again_1",
          "customerId": "cust_301",
          "ruleId": "rule_flyers_a5",
          "metaData": { "checkAgainOf": "job_demo_failing", "note": "customer sent a corrected file" }
        }
        """;
        var (status, body) = await PostJson(sb, "/jobs", request);
        Assert.True(status == 201, $"POST /jobs -> {status}: {body}");
        Spec.AssertValid(SpecValidator.ResponseName("post", "/jobs", 201), body, "POST /jobs");
        var job = JsonNode.Parse(body)!["job"]!;
        var id = (string)job["id"]!;
        Assert.Equal("pending", (string)job["status"]!);
        Assert.Equal("order_check_again_1", (string)job["orderId"]!);
        Assert.Equal("cust_301", (string)job["customerId"]!);
        Assert.Equal("rule_flyers_a5", (string)job["ruleId"]!);
        Assert.Equal("job_demo_failing", (string)job["metaData"]!["checkAgainOf"]!);
        var task = job["tasks"]![0]!;
        Assert.Equal(fileRef, (string)task["fileRef"]!);
        Assert.Equal("pdf", (string)task["fileType"]!);
        Assert.Equal(["preflight", "autofix", "repreflight", "validate", "previews"], task["steps"]!.AsArray().Select(s => (string)s!["type"]!));
        Assert.Equal("preflight_standard_flyers", (string)task["steps"]![0]!["params"]!["profileId"]!);

        // Listed at once, newest first, found by its order ID.
        var list = await sb.GetJsonAsync("/jobs?limit=20");
        Assert.Contains(list["jobs"]!.AsArray(), j => (string)j!["orderId"]! == "order_check_again_1" && (string)j["id"]! == id);

        sb.Clock.Advance(TimeSpan.FromSeconds(20));
        var running = (await sb.GetJsonAsync("/jobs/" + id))["job"]!;
        Assert.Equal("running", (string)running["status"]!);

        sb.Clock.Advance(TimeSpan.FromMinutes(15));
        var (doneStatus, doneBody) = await sb.GetAsync("/jobs/" + id);
        Spec.AssertValid("JobResponse", doneBody, "GET /jobs/" + id);
        var done = JsonNode.Parse(doneBody)!["job"]!;
        Assert.Equal("done", (string)done["status"]!);
        Assert.NotNull((string?)done["outcome"]);
        var validate = done["results"]!["validate"]![0]!["profiles"]![0]!;
        Assert.Equal("1b", (string)validate["requested"]!);
        Assert.Equal("PDF/A-1b", (string)validate["profileName"]!);
        Assert.All(done["tasks"]![0]!["steps"]!.AsArray(), s => Assert.Equal("done", (string)s!["status"]!));
        var (runsStatus, runsBody) = await sb.GetAsync($"/jobs/{id}?expand=runs");
        Assert.Equal(200, runsStatus);
        Spec.AssertValid("RunsResponse", runsBody, "runs");
    }

    [Theory]
    [InlineData("none", "pass", null)]
    [InlineData("Bleed Lines; no such check", "warn", "bleed")]
    public async Task PostJobs_FileThatNamesItsFindings_GetsExactlyThoseWithinSeconds(string findings, string outcome, string? reasonWord)
    {
        await using var sb = await Sandbox.StartAsync();
        var fileRef = await UploadedFileRef(sb, Encoding.ASCII.GetBytes($"%PDF-1.7\n%sandbox-findings: {findings}\n1 0 obj<<>>endobj\n%%EOF\n"), "brochure-8pp.pdf");
        var request = $$"""
        { "sources": [{ "fileRef": "{{fileRef}}", "steps": [ { "type": "preflight" }, { "type": "previews" } ] }] }
        """;
        var (status, body) = await PostJson(sb, "/jobs", request);
        Assert.True(status == 201, $"POST /jobs -> {status}: {body}");
        var id = (string)JsonNode.Parse(body)!["job"]!["id"]!;

        // Scripted: one second before the first step, 1.5 s a step, so done after 4 s on every run.
        sb.Clock.Advance(TimeSpan.FromSeconds(4.5));
        var done = (await sb.GetJsonAsync("/jobs/" + id))["job"]!;
        Assert.Equal("done", (string)done["status"]!);
        Assert.Equal(outcome, (string)done["outcome"]!);
        var preflight = done["tasks"]![0]!["steps"]![0]!;
        if (reasonWord is null) Assert.Null((string?)preflight["reason"]);
        else Assert.Contains(reasonWord, (string)preflight["reason"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostJobs_StepsThatDoNotFitTheFile_AreRecordedAsSkipped()
    {
        await using var sb = await Sandbox.StartAsync();
        var fileRef = await UploadedFileRef(sb, Png, "photo.png");
        var (status, body) = await PostJson(sb, "/jobs", $$$"""
            {"sources":[{"fileRef":"{{{fileRef}}}","steps":[{"type":"preflight"},{"type":"validate","params":{"profile":"2b"}},{"type":"previews"}]}]}
            """);
        Assert.True(status == 201, body);
        var id = (string)JsonNode.Parse(body)!["job"]!["id"]!;
        sb.Clock.Advance(TimeSpan.FromMinutes(15));
        var (_, doneBody) = await sb.GetAsync("/jobs/" + id);
        Spec.AssertValid("JobResponse", doneBody, "skipped job");
        var task = JsonNode.Parse(doneBody)!["job"]!["tasks"]![0]!;
        Assert.Equal("raster", (string)task["fileType"]!);
        Assert.Equal(["done", "skipped", "done"], task["steps"]!.AsArray().Select(s => (string)s!["status"]!));
    }

    [Fact]
    public async Task PostJobs_InlineBase64AndUrlSources_BecomeOneTaskEach()
    {
        await using var sb = await Sandbox.StartAsync();
        var body = new JsonObject
        {
            ["sources"] = new JsonArray(
                new JsonObject { ["file"] = Convert.ToBase64String(Pdf), ["name"] = "inline.pdf", ["steps"] = new JsonArray(new JsonObject { ["type"] = "preflight" }) },
                new JsonObject { ["url"] = "https://cdn.example.com/uploads/banner_photo.jpg", ["steps"] = new JsonArray(new JsonObject { ["type"] = "preflight" }, new JsonObject { ["type"] = "upscale" }) }),
            ["channel"] = "admin",
            ["policy"] = new JsonObject { ["onFail"] = "manual_review" },
        };
        var (status, text) = await PostJson(sb, "/jobs", body.ToJsonString());
        Assert.True(status == 201, text);
        Spec.AssertValid(SpecValidator.ResponseName("post", "/jobs", 201), text, "POST /jobs inline");
        var job = JsonNode.Parse(text)!["job"]!;
        Assert.Equal("admin", (string)job["channel"]!);
        var tasks = job["tasks"]!.AsArray();
        Assert.Equal(2, tasks.Count);
        Assert.Equal("pdf", (string)tasks[0]!["fileType"]!);
        Assert.Equal(Pdf.Length, (long)tasks[0]!["originalArtifact"]!["sizeBytes"]!);
        Assert.Equal("https://cdn.example.com/uploads/banner_photo.jpg", (string)tasks[1]!["source"]!);
        Assert.Equal("raster", (string)tasks[1]!["fileType"]!);
    }

    [Fact]
    public async Task PostJobs_UnknownProfile_Gets400WithItsName()
    {
        await using var sb = await Sandbox.StartAsync();
        var (status, body) = await PostJson(sb, "/jobs",
            """{"sources":[{"url":"https://cdn.example.com/a.pdf","steps":[{"type":"preflight","params":{"profileId":"preflight_nope"}}]}]}""");
        Assert.Equal(400, status);
        Spec.AssertValid("Error", body, "unknown profile");
        Assert.Equal("Profile not found: preflight_nope", (string)JsonNode.Parse(body)!["message"]!);
        Assert.DoesNotContain((await sb.GetJsonAsync("/jobs?limit=10"))["jobs"]!.AsArray(), j => (string?)j!["channel"] == "api" && DateTimeOffset.Parse((string)j["createdAt"]!) == sb.Clock.GetUtcNow());
    }

    [Theory]
    [InlineData("{}", 400, "sources is required.")]
    [InlineData("{\"sources\":[]}", 400, "between 1 and 50")]
    [InlineData("{\"sources\":[{\"steps\":[{\"type\":\"preflight\"}]}]}", 400, "exactly one of url, source, file or fileRef")]
    [InlineData("{\"sources\":[{\"url\":\"https://x.test/a.pdf\",\"fileRef\":\"upload_1\",\"steps\":[{\"type\":\"preflight\"}]}]}", 400, "exactly one of")]
    [InlineData("{\"sources\":[{\"url\":\"ftp://x.test/a.pdf\",\"steps\":[{\"type\":\"preflight\"}]}]}", 400, "http:// or https://")]
    [InlineData("{\"sources\":[{\"url\":\"https://x.test/a.pdf\",\"steps\":[]}]}", 400, "between 1 and 16 steps")]
    [InlineData("{\"sources\":[{\"url\":\"https://x.test/a.pdf\",\"steps\":[{\"type\":\"proof\"}]}]}", 400, "type must be one of")]
    [InlineData("{\"sources\":[{\"url\":\"https://x.test/a.pdf\",\"steps\":[{\"type\":\"validate\",\"params\":{\"profile\":\"x9\"}}]}]}", 400, "Unknown validation profile: x9")]
    [InlineData("{\"sources\":[{\"url\":\"https://x.test/a.pdf\",\"steps\":[{\"type\":\"preflight\"}]}],\"workflowId\":\"wf_flyers\"}", 400, "Unknown property: workflowId")]
    [InlineData("{\"sources\":[{\"url\":\"https://x.test/a.pdf\",\"steps\":[{\"type\":\"preflight\"}]}],\"channel\":\"fax\"}", 400, "channel must be one of")]
    [InlineData("{\"sources\":[{\"fileRef\":\"upload_never_issued\",\"steps\":[{\"type\":\"preflight\"}]}]}", 403, "not owned by the caller")]
    [InlineData("not json", 400, "not valid JSON")]
    public async Task PostJobs_InvalidRequest_GetsTheSpecErrorBody_AndCreatesNothing(string body, int expected, string message)
    {
        await using var sb = await Sandbox.StartAsync();
        var before = sb.Server.Jobs.Count;
        var (status, text) = await PostJson(sb, "/jobs", body);
        Assert.Equal(expected, status);
        Spec.AssertValid("Error", text, "POST /jobs " + body);
        var error = JsonNode.Parse(text)!;
        Assert.True((bool)error["error"]!);
        Assert.Contains(message, (string)error["message"]!);
        Assert.Equal(before, sb.Server.Jobs.Count);
    }

    [Fact]
    public async Task PostJobs_Sync_WaitsForTheJob_Returns200Done()
    {
        await using var sb = await Sandbox.StartAsync();
        var submit = PostJson(sb, "/jobs", """{"sync":true,"sources":[{"url":"https://cdn.example.com/artwork.pdf","steps":[{"type":"preflight"}]}]}""");
        // The job runs on the sandbox's clock: move it on until the waiting request answers.
        while (!submit.IsCompleted)
        {
            sb.Clock.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(submit, Task.Delay(100));
        }
        var (status, body) = await submit;
        Assert.Equal(200, status);
        Spec.AssertValid(SpecValidator.ResponseName("post", "/jobs", 200), body, "sync POST /jobs");
        Assert.Equal("done", (string)JsonNode.Parse(body)!["job"]!["status"]!);
    }

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
