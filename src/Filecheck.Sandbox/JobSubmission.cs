using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Filecheck.Sandbox.Generation;

namespace Filecheck.Sandbox;

/// <summary>
/// <c>POST /jobs</c> (JobsPost in openapi.json): the body checked as the schema says (unknown keys refused, one source
/// kind per source, 1-50 sources, 1-16 steps), profiles and validation codes checked against the library, then turned
/// into a plan that runs with the clock. Steps that do not fit a file's detected type are recorded as skipped.
/// </summary>
internal static partial class JobSubmission
{
    private const string SchemaHint = "\nPlease read the schema here: https://filecheck.io/docs/apis/schemas/jobs-post.json";
    private const int MaxInlineChars = 9_300_000;

    public static IReadOnlyList<string> StepTypes { get; } =
        ["preflight", "autofix", "repreflight", "validate", "previews", "optimize", "convert", "upscale", "removebg", "deliver"];

    private static readonly HashSet<string> TopLevel = ["sources", "ruleId", "channel", "customerId", "orderId", "policy", "sync", "webhook", "metaData"];
    private static readonly HashSet<string> SourceKeys = ["url", "source", "file", "fileRef", "headers", "params", "steps", "name"];
    private static readonly HashSet<string> StepKeys = ["type", "params", "label"];

    internal sealed record Step(string Type, JsonObject? Params);
    internal sealed record Source(string? Url, string? FileRef, byte[]? Inline, string? Name, IReadOnlyList<Step> Steps);
    internal sealed record Request(IReadOnlyList<Source> Sources, string? RuleId, string Channel, string? CustomerId, string? OrderId,
        string OnFail, bool Sync, JsonObject? MetaData);

    /// <summary>A refusal: the status and the app error's message.</summary>
    internal sealed record Refusal(int Status, string Message);

    [GeneratedRegex("^upload_[A-Za-z0-9._-]+$")]
    private static partial Regex FileRefPattern();

    public static Request Parse(JsonNode? body, SandboxUploads uploads)
    {
        if (body is not JsonObject o) throw Refuse("The request body must be a JSON object.");
        foreach (var (key, _) in o)
            if (!TopLevel.Contains(key)) throw Refuse($"Unknown property: {key}.");
        if (o["sources"] is not JsonArray sources) throw Refuse(o.ContainsKey("sources") ? "sources must be an array." : "sources is required.");
        if (sources.Count is < 1 or > 50) throw Refuse("sources must hold between 1 and 50 items.");

        var parsed = new List<Source>();
        for (var i = 0; i < sources.Count; i++) parsed.Add(ParseSource(sources[i], $"sources[{i}]", uploads));

        var channel = OptionalString(o, "channel", "channel") ?? "api";
        if (channel is not ("api" or "store" or "admin")) throw Refuse("channel must be one of api, store, admin.");
        var onFail = "reject";
        if (o["policy"] is { } policy)
        {
            if (policy is not JsonObject p) throw Refuse("policy must be an object.");
            foreach (var (key, _) in p)
                if (key != "onFail") throw Refuse($"Unknown property: policy.{key}.");
            onFail = OptionalString(p, "onFail", "policy.onFail") ?? "reject";
            if (onFail is not ("reject" or "accept_with_warnings" or "manual_review"))
                throw Refuse("policy.onFail must be one of reject, accept_with_warnings, manual_review.");
        }
        var sync = false;
        if (o["sync"] is { } s)
        {
            if (s.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) throw Refuse("sync must be a boolean.");
            sync = s.GetValue<bool>();
        }
        if (o["webhook"] is { } webhook)
        {
            if (webhook is not JsonObject w || OptionalString(w, "url", "webhook.url") is not { } url || !IsHttpUrl(url))
                throw Refuse("webhook.url is required and must be an http(s) URL.");
        }
        JsonObject? meta = null;
        if (o["metaData"] is { } m)
        {
            if (m is not JsonObject mo) throw Refuse("metaData must be an object.");
            if (mo.ToJsonString().Length > 4096) throw Refuse("metaData must be at most 4 KB when serialized.");
            meta = mo.DeepClone().AsObject();
        }
        return new Request(parsed, OptionalString(o, "ruleId", "ruleId"), channel, OptionalString(o, "customerId", "customerId", nullable: true),
            OptionalString(o, "orderId", "orderId", nullable: true), onFail, sync, meta);
    }

    private static Source ParseSource(JsonNode? node, string at, SandboxUploads uploads)
    {
        if (node is not JsonObject o) throw Refuse($"{at} must be an object.");
        foreach (var (key, _) in o)
            if (!SourceKeys.Contains(key)) throw Refuse($"Unknown property: {at}.{key}.");
        var kinds = new[] { "url", "source", "file", "fileRef" }.Where(o.ContainsKey).ToArray();
        if (kinds.Length != 1) throw Refuse($"{at} needs exactly one of url, source, file or fileRef.");
        var name = OptionalString(o, "name", at + ".name");
        if (o["headers"] is { } h && (h is not JsonObject ho || ho.Count > 16 || ho.Any(kv => kv.Value?.GetValueKind() != JsonValueKind.String)))
            throw Refuse($"{at}.headers must be an object of at most 16 strings.");
        if (o["params"] is { } sp && sp is not JsonObject) throw Refuse($"{at}.params must be an object.");

        string? url = null, fileRef = null;
        byte[]? inline = null;
        var value = OptionalString(o, kinds[0], $"{at}.{kinds[0]}") ?? throw Refuse($"{at}.{kinds[0]} must be a string.");
        switch (kinds[0])
        {
            case "url":
                if (!IsHttpUrl(value)) throw Refuse($"{at}.url must be an http:// or https:// URL.");
                url = value;
                break;
            case "fileRef":
                if (!FileRefPattern().IsMatch(value)) throw Refuse($"{at}.fileRef must look like upload_…");
                if (!uploads.TryGet(value, out var upload)) throw new RefusalException(new Refusal(403, $"fileRef {value} is not owned by the caller."));
                if (upload.ReceivedBytes is null) throw Refuse($"fileRef {value} has no uploaded file yet: upload it to the presigned URL first.");
                fileRef = value;
                break;
            default: // file, or source holding a URL or base64
                if (kinds[0] == "source" && IsHttpUrl(value))
                {
                    url = value;
                    break;
                }
                if (value.Length > MaxInlineChars) throw Refuse($"{at}.{kinds[0]} is larger than 9.3 MB; upload the file with POST /uploads and pass its fileRef.");
                try { inline = Convert.FromBase64String(value); }
                catch (FormatException) { throw Refuse($"{at}.{kinds[0]} is not valid base64."); }
                break;
        }

        if (o["steps"] is not JsonArray steps) throw Refuse(o.ContainsKey("steps") ? $"{at}.steps must be an array." : $"{at}.steps is required.");
        if (steps.Count is < 1 or > 16) throw Refuse($"{at}.steps must hold between 1 and 16 steps.");
        var parsed = new List<Step>();
        for (var i = 0; i < steps.Count; i++)
        {
            var where = $"{at}.steps[{i}]";
            if (steps[i] is not JsonObject step) throw Refuse($"{where} must be an object.");
            foreach (var (key, _) in step)
                if (!StepKeys.Contains(key)) throw Refuse($"Unknown property: {where}.{key}.");
            var type = OptionalString(step, "type", where + ".type") ?? throw Refuse($"{where}.type is required.");
            if (!StepTypes.Contains(type)) throw Refuse($"{where}.type must be one of {string.Join(", ", StepTypes)}.");
            OptionalString(step, "label", where + ".label");
            JsonObject? parameters = null;
            if (step["params"] is { } p)
            {
                if (p is not JsonObject po) throw Refuse($"{where}.params must be an object or null.");
                parameters = po.DeepClone().AsObject();
            }
            CheckParams(type, parameters, where);
            parsed.Add(new Step(type, parameters));
        }
        return new Source(url, fileRef, inline, name, parsed);
    }

    private static void CheckParams(string type, JsonObject? parameters, string where)
    {
        if (type is "preflight" or "repreflight" && parameters?["profileId"] is { } profile)
        {
            var id = profile.GetValueKind() == JsonValueKind.String ? profile.GetValue<string>() : throw Refuse($"{where}.params.profileId must be a string.");
            if (!Catalog.ProfileItems.Any(p => p.Id == id && p.Enabled != false)) throw new RefusalException(new Refusal(400, $"Profile not found: {id}"));
        }
        if (type == "validate" && parameters?["profile"] is { } codes)
        {
            var list = codes switch
            {
                JsonArray a when a.Count > 0 && a.All(c => c?.GetValueKind() == JsonValueKind.String) => a.Select(c => c!.GetValue<string>()).ToArray(),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
                _ => throw Refuse($"{where}.params.profile must be a code or a list of codes."),
            };
            foreach (var code in list)
                if (!ValidationCodes.All.Contains(code))
                    throw Refuse($"Unknown validation profile: {code}. Allowed: {string.Join(", ", ValidationCodes.All)}.");
        }
    }

    /// <summary>The job's plan: one task per source, running from <paramref name="now"/> at the sandbox's usual pace.</summary>
    public static JobPlan Plan(Request request, string id, DateTimeOffset now, Random rng, SandboxUploads uploads)
    {
        var specs = new List<TaskSpec>();
        for (var i = 0; i < request.Sources.Count; i++)
        {
            var source = request.Sources[i];
            var (name, file, head) = Describe(source, i, rng, uploads);
            var chain = source.Steps.Select(s => s.Type).ToArray();
            var validate = source.Steps.FirstOrDefault(s => s.Type == "validate")?.Params?["profile"] switch
            {
                JsonArray a => (string?)a[0],
                JsonValue v => v.GetValue<string>(),
                _ => null,
            };
            var scripted = FileScript.FindingsOf(head);
            specs.Add(new TaskSpec(name, chain)
            {
                ErrorAtStep = -1,
                Findings = scripted?.Select(n => Finding.Create(Catalog.Check(n), rng)).ToArray(),
                Durations = scripted is null ? null : Enumerable.Repeat(FileScript.StepDuration, chain.Length).ToArray(),
                Offset = scripted is null ? null : TimeSpan.Zero,
                Skip = chain.Select(t => !Applies(t, file.FileType)).ToArray(),
                StepParams = source.Steps.Select(s => s.Params).ToArray(),
                ValidateProfile = chain.Contains("validate") ? validate ?? "auto" : null,
                File = file,
            });
        }
        var profile = request.Sources.SelectMany(s => s.Steps).Select(s => (string?)s.Params?["profileId"]).FirstOrDefault(p => p is not null) ?? "default";
        var meta = new JobMeta(request.Channel, null, request.RuleId, profile, null)
        {
            OrderId = request.OrderId, CustomerId = request.CustomerId, MetaData = request.MetaData, OnFail = request.OnFail,
        };
        // A scripted file's job starts at once, so its whole run is a few seconds every time.
        return JobGenerator.Build(id, now, rng, meta, specs, jobWait: specs.Any(s => s.Durations is not null) ? TimeSpan.FromSeconds(1) : null);
    }

    /// <summary>Which step types a file of this type can run; the rest are recorded as skipped, as the API does.</summary>
    public static bool Applies(string step, string fileType) => (step, fileType) switch
    {
        ("deliver", _) => true,
        ("validate", "pdf") => true,
        ("validate", _) => false,
        ("upscale" or "removebg", "raster") => true,
        ("upscale" or "removebg", _) => false,
        (_, "pdf" or "raster") => true,
        ("preflight" or "repreflight" or "previews" or "convert" or "optimize", "vector" or "office") => true,
        _ => false,
    };

    /// <returns>The file's name, what it is, and its first bytes (none for a URL, which the sandbox never fetches).</returns>
    private static (string Name, SubmittedFile File, byte[] Head) Describe(Source source, int index, Random rng, SandboxUploads uploads)
    {
        if (source.FileRef is { } fileRef && uploads.TryGet(fileRef, out var upload))
        {
            var name = source.Name ?? upload.FileName ?? $"upload-{index + 1}.pdf";
            var (type, mime) = SandboxUploads.Sniff(upload.Head) ?? Catalog.TypeOf(name);
            return (name, new SubmittedFile(fileRef, null, upload.ReceivedBytes ?? 0, type, mime), upload.Head);
        }
        if (source.Inline is { } bytes)
        {
            var name = source.Name ?? $"file-{index + 1}.pdf";
            var (type, mime) = SandboxUploads.Sniff(bytes.AsSpan(0, Math.Min(16, bytes.Length))) ?? Catalog.TypeOf(name);
            return (name, new SubmittedFile(null, null, bytes.Length, type, mime), bytes[..Math.Min(FileScript.HeadBytes, bytes.Length)]);
        }
        var url = source.Url!;
        var fromUrl = Uri.TryCreate(url, UriKind.Absolute, out var u) ? Path.GetFileName(u.AbsolutePath) : "";
        var named = source.Name ?? (fromUrl.Length > 0 ? Uri.UnescapeDataString(fromUrl) : $"file-{index + 1}.pdf");
        var (t, m) = Catalog.TypeOf(named);
        return (named, new SubmittedFile(null, url, (long)Math.Clamp(Ids.LogNormal(rng, 900_000, 0.9), 20_000, 400_000_000), t, m), []);
    }

    private static string? OptionalString(JsonObject o, string key, string at, bool nullable = false)
    {
        if (!o.TryGetPropertyValue(key, out var node)) return null;
        if (node is null) return nullable ? null : throw Refuse($"{at} must be a string.");
        return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Refuse($"{at} must be a string.");
    }

    private static bool IsHttpUrl(string s) =>
        Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
        && (s.StartsWith("http://", StringComparison.Ordinal) || s.StartsWith("https://", StringComparison.Ordinal));

    private static RefusalException Refuse(string message) => new(new Refusal(400, message + SchemaHint));

    internal sealed class RefusalException(Refusal refusal) : Exception(refusal.Message)
    {
        public Refusal Refusal => refusal;
    }
}
