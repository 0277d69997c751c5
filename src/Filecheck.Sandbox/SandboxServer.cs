using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Filecheck.Api.Models;
using Filecheck.Sandbox.Generation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Filecheck.Sandbox;

/// <summary>
/// A Filecheck-compatible REST server over real HTTP (Kestrel on 127.0.0.1) with generated data.
/// Self-contained: it reads no configuration files, so it can run inside another web app.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private const string HtmlBadGatewayBody =
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

    private readonly SandboxOptions _options;
    private readonly UrlSigner _signer;
    private readonly JobRenderer _renderer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly byte[] _keyBytes;
    private WebApplication? _app;
    private Task? _webhooks;

    private SandboxServer(SandboxOptions options, UrlSigner signer, JobRenderer renderer, SandboxStore store, string apiKey)
    {
        _options = options;
        _signer = signer;
        _renderer = renderer;
        Jobs = store;
        ApiKey = apiKey;
        _keyBytes = Encoding.UTF8.GetBytes(apiKey);
        _uploads = new SandboxUploads(options.Clock, options.UploadMaxBytes, options.UploadLifetime, options.Seed);
    }

    private readonly SandboxUploads _uploads;

    /// <summary>e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The secret key the sandbox accepts as Bearer.</summary>
    public string ApiKey { get; }

    public SandboxFaults Faults { get; } = new();

    public SandboxRequestLog Requests { get; } = new();

    public SandboxStore Jobs { get; }

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var start = SandboxStore.Truncate(options.Clock.GetUtcNow());
        var signer = new UrlSigner(options.Clock, options.SignedUrlLifetime);
        var renderer = new JobRenderer(signer);
        var store = new SandboxStore(options, start, renderer);
        var key = options.ApiKey ?? "sk_test_sandbox_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var server = new SandboxServer(options, signer, renderer, store, key);

        var app = await server.ListenAsync(options.Port, ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        signer.BaseAddress = server.BaseAddress;

        if (options.WebhookUrl is not null)
        {
            var sender = new WebhookSender(options, store, renderer, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WebhookSender>());
            server._webhooks = Task.Run(() => sender.RunAsync(server._stopping.Token));
        }
        return server;
    }

    /// <summary>True while the sandbox accepts connections (between <see cref="StopListeningAsync"/> and <see cref="ListenAgainAsync"/> it does not).</summary>
    public bool IsListening => _app is not null;

    /// <summary>
    /// Closes the listener: a client's connection is refused, as when the API's host is down. The jobs, faults and request
    /// log stay; <see cref="ListenAgainAsync"/> opens the same address again.
    /// </summary>
    public async Task StopListeningAsync()
    {
        if (_app is not { } app) return;
        _app = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await app.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }

    /// <summary>Listens again on the address it had (the same port), after <see cref="StopListeningAsync"/>.</summary>
    public async Task ListenAgainAsync(CancellationToken ct = default)
    {
        if (_app is not null) return;
        await ListenAsync(BaseAddress.Port, ct);
    }

    private async Task<WebApplication> ListenAsync(int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
            Args = [],
        });
        // Never pick up the host application's appsettings or ASPNETCORE_URLS.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The host app's ASPNETCORE_URLS reaches the web host's settings before the sources are cleared; the explicit
        // listener below wins, as intended, so Kestrel's "overriding address(es)" warning says nothing useful here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        // The owner (Program.cs or the host app) decides when to stop; don't hook the process's Ctrl+C/SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();

        var app = builder.Build();
        Map(app);
        await app.StartAsync(ct);
        _app = app;
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _app.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            await _app.DisposeAsync();
            _app = null;
        }
        if (_webhooks is not null)
        {
            try { await _webhooks; } catch (OperationCanceledException) { }
        }
        _stopping.Dispose();
    }

    private sealed class OwnerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // ---- pipeline -----------------------------------------------------------------------------------------------------

    internal static bool IsValidJobId(string id) =>
        id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private void Map(WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            var path = ctx.Request.Path.Value ?? "/";
            var control = path == "/_sandbox" || path.StartsWith("/_sandbox/", StringComparison.Ordinal);
            if (!control) Requests.Add(path, ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? path);
            if (path.StartsWith("/files/", StringComparison.Ordinal) || path == SandboxUploads.TargetPath)
            {
                await next(ctx); // presigned: no bearer, no faults
                return;
            }
            var auth = ctx.Request.Headers.Authorization.ToString();
            var key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : "";
            if (key.StartsWith("pk_", StringComparison.Ordinal))
            {
                await WriteJson(ctx, 403, SandboxJson.Serialize(new ErrorBody { Message = "Forbidden" }));
                return;
            }
            if (key.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), _keyBytes))
            {
                await WriteJson(ctx, 401, SandboxJson.Serialize(new ErrorBody { Message = "Unauthorized" }));
                return;
            }
            if (control)
            {
                await next(ctx);
                return;
            }
            await ServeWithFaults(ctx, next);
        });

        app.MapGet("/jobs", ListJobs);
        // Cast to Delegate: a Func<HttpContext, Task<IResult>> would otherwise bind as a RequestDelegate and drop its result.
        app.MapPost("/jobs", (Delegate)SubmitJob);
        app.MapPost("/uploads", (Delegate)CreateUpload);
        app.MapPost(SandboxUploads.TargetPath, (Delegate)_uploads.ReceiveAsync);
        app.MapGet("/jobs/{id}", GetJob);
        MapLibrary(app, "workflows", Catalog.WorkflowItems, items => new WorkflowList { Workflows = items }, i => new WorkflowResponse { Workflow = i }, "Workflow");
        MapLibrary(app, "rules", Catalog.RuleItems, items => new RuleList { Rules = items }, i => new RuleResponse { Rule = i }, "Rule");
        MapLibrary(app, "profiles", Catalog.ProfileItems, items => new ProfileList { Profiles = items }, i => new ProfileResponse { Profile = i }, "Profile");
        app.MapGet("/files/{jobId}/{taskId}/{name}", ServeFile);

        app.MapGet("/_sandbox", () => Text(Info().ToJsonString()));
        app.MapGet("/_sandbox/faults", () => Text(FaultState().ToJsonString()));
        app.MapPost("/_sandbox/faults", (Delegate)SetFaults);
        app.MapDelete("/_sandbox/faults", () =>
        {
            Faults.Clear();
            return Text(FaultState().ToJsonString());
        });
        app.MapPost("/_sandbox/jobs/running", CreateRunning);
        app.MapGet("/_sandbox/requests", () =>
        {
            var o = new JsonObject { ["total"] = Requests.Total };
            var paths = new JsonObject();
            foreach (var (p, n) in Requests.Snapshot().OrderBy(kv => kv.Key, StringComparer.Ordinal)) paths[p] = n;
            o["paths"] = paths;
            return Text(o.ToJsonString());
        });
        app.MapDelete("/_sandbox/requests", () =>
        {
            Requests.Reset();
            return Results.NoContent();
        });
        app.MapFallback((HttpContext ctx) => AppError(404, $"Not found: {ctx.Request.Method} {ctx.Request.Path}"));
    }

    private async Task ServeWithFaults(HttpContext ctx, RequestDelegate next)
    {
        var latency = Faults.Latency;
        try
        {
            if (latency > TimeSpan.Zero) await Task.Delay(latency, ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        switch (Faults.Take())
        {
            case SandboxFault.RateLimited:
                ctx.Response.Headers.RetryAfter = Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteJson(ctx, 429, SandboxJson.Serialize(new ErrorBody { Error = true, Message = "Too many requests" }));
                return;
            case SandboxFault.ServerError:
                await WriteJson(ctx, 500, SandboxJson.Serialize(new ErrorBody { Error = true, Message = "Internal error" }));
                return;
            case SandboxFault.Unavailable:
                await WriteJson(ctx, 503, SandboxJson.Serialize(new ErrorBody { Error = true, Message = "Service unavailable" }));
                return;
            case SandboxFault.HtmlBadGateway:
                ctx.Response.StatusCode = 502;
                ctx.Response.ContentType = "text/html";
                await ctx.Response.WriteAsync(HtmlBadGatewayBody);
                return;
            case SandboxFault.Hang:
                using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token))
                {
                    try { await Task.Delay(Timeout.Infinite, cts.Token); }
                    catch (OperationCanceledException) { }
                }
                ctx.Abort();
                return;
            case SandboxFault.TruncatedBody:
                var whole = ctx.Response.Body;
                using (var buffer = new MemoryStream())
                {
                    ctx.Response.Body = buffer;
                    try { await next(ctx); }
                    finally { ctx.Response.Body = whole; }
                    var bytes = buffer.ToArray();
                    // Promises the whole body, sends half of it, then drops the connection.
                    ctx.Response.ContentLength = bytes.Length;
                    await whole.WriteAsync(bytes.AsMemory(0, Math.Max(1, bytes.Length / 2)), ctx.RequestAborted);
                    await whole.FlushAsync(ctx.RequestAborted);
                }
                // Ending short of the promised length makes Kestrel close the connection after what was sent.
                return;
            case SandboxFault.MalformedJson:
                var original = ctx.Response.Body;
                using (var buffer = new MemoryStream())
                {
                    ctx.Response.Body = buffer;
                    try { await next(ctx); }
                    finally { ctx.Response.Body = original; }
                    var bytes = buffer.ToArray();
                    var cut = Math.Max(1, bytes.Length / 2);
                    ctx.Response.StatusCode = 200;
                    ctx.Response.ContentType = "application/json";
                    ctx.Response.ContentLength = cut;
                    await original.WriteAsync(bytes.AsMemory(0, cut), ctx.RequestAborted);
                }
                return;
            default:
                await next(ctx);
                return;
        }
    }

    private static async Task WriteJson(HttpContext ctx, int status, string json)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }

    private static IResult Json<T>(T value, int status = 200) =>
        Results.Json(value, SandboxJson.TypeInfo<T>(), "application/json", status);

    private static IResult Text(string json, int status = 200) => Results.Text(json, "application/json", Encoding.UTF8, status);

    private static IResult AppError(int status, string message) =>
        Json(new ErrorBody { Error = true, Message = message }, status);

    // ---- API --------------------------------------------------------------------------------------------------------

    private IResult ListJobs(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        var limit = 20;
        if (q.TryGetValue("limit", out var l))
        {
            if (l.Count != 1 || !int.TryParse(l[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100)
                return AppError(400, "limit must be an integer between 1 and 100");
        }
        SandboxStore.Cursor? after = null;
        if (q.TryGetValue("nextKey", out var nk) && !string.IsNullOrEmpty(nk.ToString()))
        {
            if (nk.Count != 1 || !SandboxStore.TryDecodeCursor(nk[0], out var c)) return AppError(400, "Invalid nextKey");
            after = c;
        }
        var now = _options.Clock.GetUtcNow();
        var (page, next) = Jobs.List(limit, after);
        return Json(new JobListPage
        {
            Jobs = page.Select(p => _renderer.Lean(p, now)).ToArray(),
            NextKey = next is { } n ? SandboxStore.EncodeCursor(n) : null,
        });
    }

    private IResult GetJob(string id, HttpContext ctx)
    {
        if (!IsValidJobId(id)) return AppError(400, "Invalid job id: " + Truncate(id));
        string? expand = null;
        if (ctx.Request.Query.TryGetValue("expand", out var e))
        {
            expand = e.ToString();
            if (expand != "runs") return AppError(400, $"Invalid expand value: {Truncate(expand)}. Allowed values: runs");
        }
        if (!Jobs.TryGetPlan(id, out var plan)) return AppError(404, "Job not found: " + id);
        var now = _options.Clock.GetUtcNow();
        return expand == "runs" ? Json(_renderer.Runs(plan, now)) : Json(new JobResponse { Job = _renderer.Full(plan, now) });
    }

    /// <summary><c>POST /uploads</c>: <c>{ mimeType?, sizeBytes? }</c> (optional body) to presigned POST credentials.</summary>
    private async Task<IResult> CreateUpload(HttpContext ctx)
    {
        JsonNode? body = null;
        try
        {
            if (ctx.Request.ContentLength is not 0) body = await ReadJsonAsync(ctx);
        }
        catch (JsonException)
        {
            return AppError(400, "The request body must be JSON: { mimeType?, sizeBytes? }.");
        }
        string? mime = null;
        if (body is not null)
        {
            if (body is not JsonObject o) return AppError(400, "The request body must be a JSON object: { mimeType?, sizeBytes? }.");
            foreach (var (key, _) in o)
                if (key is not ("mimeType" or "sizeBytes")) return AppError(400, $"Unknown property: {key}.");
            if (o["mimeType"] is { } m)
            {
                if (m.GetValueKind() != JsonValueKind.String) return AppError(400, "mimeType must be a string.");
                mime = m.GetValue<string>();
            }
            if (o["sizeBytes"] is { } sz)
            {
                if (sz.GetValueKind() != JsonValueKind.Number || !sz.AsValue().TryGetValue<long>(out var size) || size < 0)
                    return AppError(400, "sizeBytes must be a whole number of bytes.");
                if (size > _uploads.MaxBytes)
                    return AppError(400, $"sizeBytes {size} is over the upload limit of {_uploads.MaxBytes} bytes ({_uploads.MaxBytes / 1024 / 1024} MB).");
            }
        }
        return Text(_uploads.Issue(BaseAddress, mime).ToJsonString());
    }

    private const int MaxJobBodyBytes = 10 * 1024 * 1024; // inline base64 files are at most 9.3 MB

    /// <summary><c>POST /jobs</c>: 201 with the new job, or with <c>sync: true</c> 200 once it is done (202 pending after ~27 s).</summary>
    private async Task<IResult> SubmitJob(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxJobBodyBytes) return AppError(413, "The request body is larger than 10 MB.");
        JobSubmission.Request request;
        try
        {
            request = JobSubmission.Parse(await ReadJsonAsync(ctx), _uploads);
        }
        catch (JsonException)
        {
            return AppError(400, "The request body is not valid JSON.\nPlease read the schema here: https://filecheck.io/docs/apis/schemas/jobs-post.json");
        }
        catch (JobSubmission.RefusalException e)
        {
            return AppError(e.Refusal.Status, e.Refusal.Message);
        }
        var plan = Jobs.Submit((id, now, rng) => JobSubmission.Plan(request, id, now, rng, _uploads));
        if (!request.Sync) return Json(new JobResponse { Job = _renderer.Full(plan, _options.Clock.GetUtcNow()) }, 201);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!JobRenderer.StateOf(plan, _options.Clock.GetUtcNow()).Terminal && waited.Elapsed < TimeSpan.FromSeconds(27))
        {
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), ctx.RequestAborted); }
            catch (OperationCanceledException) { return Results.Empty; }
        }
        var now = _options.Clock.GetUtcNow();
        return JobRenderer.StateOf(plan, now).Terminal
            ? Json(new JobResponse { Job = _renderer.Full(plan, now) })
            : Json(new JobPendingResponse { Pending = true, Job = _renderer.Full(plan, now) }, 202);
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        if (buffer.Length > MaxJobBodyBytes) throw new JobSubmission.RefusalException(new(413, "The request body is larger than 10 MB."));
        return buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray());
    }

    private static string Truncate(string s) => s.Length > 80 ? s[..80] + "…" : s;

    private static void MapLibrary<TList, TItem>(
        WebApplication app, string name, IReadOnlyList<LibraryItem> items,
        Func<IReadOnlyList<LibraryItem>, TList> list, Func<LibraryItem, TItem> one, string label)
    {
        IResult All() => Json(list(items));
        app.MapGet("/" + name, All); // routing also matches "/workflows/", which the plugins use to test keys
        app.MapGet("/" + name + "/{id}", (string id) =>
        {
            if (!IsValidJobId(id)) return AppError(400, $"Invalid {label.ToLowerInvariant()} id: {Truncate(id)}");
            var item = items.FirstOrDefault(i => i.Id == id);
            return item is null ? AppError(404, $"{label} not found: {id}") : Json(one(item));
        });
    }

    // ---- signed files -----------------------------------------------------------------------------------------------

    private IResult ServeFile(string jobId, string taskId, string name, HttpContext ctx)
    {
        var verdict = _signer.Verify(ctx.Request.Path.Value ?? "", ctx.Request.Query["expires"], ctx.Request.Query["sig"]);
        if (verdict != UrlSigner.Verdict.Valid)
        {
            return S3Error(403, verdict == UrlSigner.Verdict.Expired ? "AccessDenied" : "SignatureDoesNotMatch",
                verdict == UrlSigner.Verdict.Expired ? "Request has expired" : "The request signature we calculated does not match the signature you provided.");
        }
        if (!Jobs.TryGetPlan(jobId, out var plan) || plan.Tasks.FirstOrDefault(t => t.Id == taskId) is not { } task)
            return S3Error(404, "NoSuchKey", "The specified key does not exist.");
        ctx.Response.Headers.CacheControl = "private, max-age=60";
        if (name.StartsWith("proof-", StringComparison.Ordinal) && name.EndsWith(".png", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(6, name.Length - 10), NumberStyles.None, CultureInfo.InvariantCulture, out var page)
            && page >= 1 && page <= task.ProofCount)
            return Results.Bytes(FileContent.ProofPng(task.FileName, page), "image/png");
        if (name == task.OutputName || name == task.SourceFileName)
        {
            var role = name == task.OutputName ? name[..name.IndexOf('.')] : "original";
            return name.EndsWith(".png", StringComparison.Ordinal)
                ? Results.Bytes(FileContent.ProofPng(task.FileName + "/" + role, 1), "image/png")
                : Results.Bytes(FileContent.Pdf(task.FileName, $"{role} - {plan.Id} - {task.Id}"), "application/pdf");
        }
        return S3Error(404, "NoSuchKey", "The specified key does not exist.");
    }

    private static IResult S3Error(int status, string code, string message) =>
        Results.Text($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{Guid.NewGuid():N}</RequestId></Error>",
            "application/xml", Encoding.UTF8, status);

    // ---- control ----------------------------------------------------------------------------------------------------

    private JsonObject Info() => new()
    {
        ["baseAddress"] = BaseAddress.ToString(),
        ["seed"] = _options.Seed,
        ["jobCount"] = Jobs.Count,
        ["clock"] = _options.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        ["wellKnownJobs"] = new JsonArray(WellKnownJobs.All.Select(j => (JsonNode)new JsonObject { ["id"] = j.Id, ["description"] = j.Description }).ToArray()),
        ["faults"] = FaultState(),
        ["story"] = StoryInfo(Jobs.Story),
    };

    /// <summary>What is planted in the history and from when, so a person or a test can check that trends find it.</summary>
    private static JsonObject StoryInfo(SandboxStory s) => new()
    {
        ["ruleChange"] = new JsonObject
        {
            ["workflowId"] = SandboxStory.RuleChangeWorkflow, ["ruleId"] = SandboxStory.RuleChangeRule,
            ["check"] = SandboxStory.RuleChangeCheck, ["from"] = s.RuleChangeAt.ToString("O", CultureInfo.InvariantCulture),
            ["hitRate"] = SandboxStory.RuleChangeHitRate,
        },
        ["slowerStep"] = new JsonObject
        {
            ["stepType"] = SandboxStory.SlowStepType, ["from"] = s.SlowStepFrom.ToString("O", CultureInfo.InvariantCulture),
            ["factor"] = SandboxStory.SlowStepFactor,
        },
        ["commonReason"] = new JsonObject
        {
            ["check"] = SandboxStory.CommonReasonCheck, ["from"] = s.CommonReasonFrom.ToString("O", CultureInfo.InvariantCulture),
        },
    };

    private JsonObject FaultState() => new()
    {
        ["always"] = Faults.Permanent.ToString(),
        ["pending"] = Faults.Pending,
        ["latencyMs"] = (long)Faults.Latency.TotalMilliseconds,
        ["retryAfterSeconds"] = Faults.RetryAfterSeconds,
    };

    /// <summary><c>{ "fault": "RateLimited", "times": 2 }</c>, <c>{ "fault": "Hang", "always": true }</c>, <c>{ "latencyMs": 500 }</c>.</summary>
    private async Task<IResult> SetFaults(HttpContext ctx)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        }
        catch (JsonException)
        {
            return AppError(400, "Body must be JSON: {fault, times, always, latencyMs, retryAfterSeconds}");
        }
        if (body is not JsonObject o) return AppError(400, "Body must be a JSON object");
        try
        {
            if (o["latencyMs"] is { } ms) Faults.Latency = TimeSpan.FromMilliseconds(ms.GetValue<double>());
            if (o["retryAfterSeconds"] is { } ra) Faults.RetryAfterSeconds = ra.GetValue<int>();
            if (o["fault"] is { } f)
            {
                if (!Enum.TryParse<SandboxFault>(f.GetValue<string>(), ignoreCase: true, out var fault) || !Enum.IsDefined(fault))
                    return AppError(400, "Unknown fault. Known: " + string.Join(", ", Enum.GetNames<SandboxFault>()));
                if (o["always"]?.GetValue<bool>() == true) Faults.Always(fault);
                else
                {
                    var times = o["times"]?.GetValue<int>() ?? 1;
                    if (times < 1) return AppError(400, "times must be at least 1");
                    Faults.Next(fault, times);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return AppError(400, "Invalid value: " + e.Message);
        }
        return Text(FaultState().ToJsonString());
    }

    private IResult CreateRunning(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        var files = 1;
        var stepSeconds = 5.0;
        if (q.TryGetValue("files", out var f) && (!int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out files) || files is < 1 or > 50))
            return AppError(400, "files must be an integer between 1 and 50");
        if (q.TryGetValue("stepSeconds", out var s) && (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out stepSeconds) || stepSeconds is <= 0 or > 86400))
            return AppError(400, "stepSeconds must be a number above 0");
        var id = Jobs.CreateRunningJob(files, TimeSpan.FromSeconds(stepSeconds));
        return Text(new JsonObject { ["id"] = id }.ToJsonString(), 201);
    }
}
