using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Filecheck.Testing;

/// <summary>
/// Answers of the Filecheck API that its spec allows but no sane account sends: every nullable field null, unknown
/// status and outcome words, no files and 5,000, steps out of order, ends before starts, negative and huge durations,
/// text holding markup, script, right-to-left overrides, emoji and 10 KB, metadata nested deeper than a parser's default.
/// Served by the browser sweep's hostile API and checked against the spec by the sandbox's conformance tests.
/// </summary>
public static class HostileAnswers
{
    /// <summary>What a payload does if it ever runs: the browser sweep checks that it never did.</summary>
    public const string Canary = "window.__pwned";

    public const string Script = "<script>window.__pwned=1</script>";
    public const string Image = "<img src=x onerror=\"window.__pwned=1\">";
    public const string Svg = "<svg onload=\"window.__pwned=1\"></svg>";
    public const string Link = "<a href=\"javascript:window.__pwned=1\">click</a>";
    /// <summary>A right-to-left override that turns a name around, Hebrew and Arabic, and a pop directional formatting mark.</summary>
    public const string RightToLeft = "\u202Efdp.exe\u202C שלום עולם مرحبا";
    /// <summary>A family (zero-width joiners), a flag, a skin tone and a character beyond the basic plane.</summary>
    public const string Emoji = "👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 \U0001F4A9";

    /// <summary>About 10 KB: a word that never breaks, then words that do.</summary>
    public static readonly string TenKilobytes = new string('W', 5_000) + " " + string.Concat(Enumerable.Repeat("lorem ipsum ", 420));

    public const int ManyFiles = 5_000;
    public const int NestingDepth = 200;

    public static string Hostile(string what) => $"{what} {Image}{Script}{Svg}{Link}<b>bold</b> {RightToLeft} {Emoji}";

    public sealed record Case(string JobId, string What, JsonObject JobResponse, JsonObject RunsResponse);

    /// <param name="files">Where the proofs and downloads point (the hostile server's own address).</param>
    /// <param name="manyFiles">How many files the big job has (the spec check uses fewer; the shape is the same).</param>
    public static IReadOnlyList<Case> Cases(Uri files, int manyFiles = ManyFiles) =>
    [
        new("job_hostile_nulls", "every nullable field null", Wrap(NullJob()), Runs(files, [("task_nulls_1", "null.pdf", null)])),
        new("job_hostile_words", "unknown status, outcome and step words", Wrap(WordsJob()), Runs(files, [("task_words_1", "words.pdf", "pass")])),
        new("job_hostile_empty", "no files", Wrap(EmptyJob()), Runs(files, [])),
        new("job_hostile_many", $"{manyFiles:N0} files", Wrap(ManyJob(manyFiles)), Runs(files, Enumerable.Range(1, manyFiles).Select(i => ($"task_many_{i}", $"file-{i}.pdf", (string?)"pass")).ToArray())),
        new("job_hostile_time", "steps out of order, ends before starts, negative and huge durations", Wrap(TimeJob()), Runs(files, [("task_time_1", "time.pdf", "warn"), ("task_time_2", "far.pdf", "fail")])),
        new("job_hostile_text", "markup, script, right-to-left text, emoji and 10 KB in names and reasons", Wrap(TextJob()),
            Runs(files, [("task_text_1", Hostile("name") + ".pdf", "fail"), ("task_text_2", TenKilobytes + ".pdf", "warn")])),
        new("job_hostile_deep", $"metaData and params nested {NestingDepth} deep", Wrap(DeepJob()), Runs(files, [("task_deep_1", "deep.pdf", "pass")])),
    ];

    /// <summary><c>GET /workflows</c> and <c>GET /rules</c>: names that hold markup too.</summary>
    public static JsonObject Library(string kind) => new()
    {
        [kind] = new JsonArray(new JsonObject { ["id"] = "wf_hostile", ["name"] = Hostile("workflow"), ["enabled"] = true, ["source"] = "domain" },
            new JsonObject { ["id"] = "rule_hostile", ["name"] = Hostile("rule"), ["enabled"] = true, ["source"] = "domain" }),
    };

    private static JsonObject Wrap(JsonObject job) => new() { ["job"] = job };

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // Yesterday morning: inside every default range (the jobs list's 7 days, the trends' 30).
    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1).AddHours(9);

    private static JsonObject Job(string id, string status, string? outcome, JsonArray tasks, Action<JsonObject>? more = null)
    {
        var job = new JsonObject
        {
            ["id"] = id, ["createdAt"] = Time(Start), ["modifiedAt"] = Time(Start.AddMinutes(5)), ["status"] = status, ["outcome"] = outcome,
            ["channel"] = "api", ["ruleId"] = "rule_hostile", ["workflowId"] = "wf_hostile", ["metaData"] = new JsonObject(),
            ["tasks"] = tasks, ["orderId"] = "order_" + id[4..], ["customerId"] = "cust_hostile", ["customerEmail"] = "hostile@example.com",
        };
        more?.Invoke(job);
        return job;
    }

    private static JsonObject Task(string id, string name, string status, string? outcome, JsonArray steps) => new()
    {
        ["id"] = id, ["createdAt"] = Time(Start), ["updatedAt"] = Time(Start.AddMinutes(4)), ["status"] = status, ["outcome"] = outcome,
        ["fileType"] = "pdf", ["mimeType"] = "application/pdf", ["source"] = null, ["fileRef"] = name, ["clientRef"] = null, ["jobId"] = null,
        ["originalArtifact"] = new JsonObject { ["fileName"] = name }, ["outputArtifacts"] = new JsonArray(), ["steps"] = steps,
    };

    private static JsonObject Step(string id, string type, string status, string? outcome, DateTimeOffset? started, DateTimeOffset? ended,
        double? duration, string? reason = null, JsonNode? parameters = null, JsonArray? outputs = null) => new()
    {
        ["id"] = id, ["type"] = type, ["status"] = status, ["outcome"] = outcome, ["reason"] = reason, ["params"] = parameters,
        ["runtimeParams"] = null, ["started"] = started is { } s ? Time(s) : null, ["ended"] = ended is { } e ? Time(e) : null,
        ["duration"] = duration, ["outputs"] = outputs ?? [],
    };

    private static JsonArray Steps(string prefix, DateTimeOffset from) => new(
        Step(prefix + "_preflight", "preflight", "done", "pass", from, from.AddSeconds(2), 2_000),
        Step(prefix + "_autofix", "autofix", "done", "pass", from.AddSeconds(3), from.AddSeconds(5), 2_000),
        Step(prefix + "_proof", "proof", "done", "pass", from.AddSeconds(6), from.AddSeconds(7), 1_000));

    private static JsonObject NullJob() => new()
    {
        ["id"] = "job_hostile_nulls", ["createdAt"] = null, ["modifiedAt"] = null, ["status"] = "done", ["outcome"] = null, ["channel"] = null,
        ["ruleId"] = null, ["workflowId"] = null, ["metaData"] = null, ["orderId"] = null, ["customerId"] = null, ["customerEmail"] = null,
        ["tasks"] = new JsonArray(new JsonObject
        {
            ["id"] = "task_nulls_1", ["createdAt"] = null, ["updatedAt"] = null, ["status"] = "done", ["outcome"] = null, ["fileType"] = null,
            ["mimeType"] = null, ["source"] = null, ["fileRef"] = null, ["clientRef"] = null, ["jobId"] = null, ["originalArtifact"] = null,
            ["outputArtifacts"] = new JsonArray(new JsonObject { ["kind"] = "output", ["role"] = "fixed", ["bucket"] = "b", ["key"] = "k", ["downloadUrl"] = null, ["expiresIn"] = null }),
            ["steps"] = new JsonArray(Step("step_nulls_1", "preflight", "done", null, null, null, null)),
        }),
    };

    private static JsonObject WordsJob() => Job("job_hostile_words", "teleporting", "ambivalent", new JsonArray(
        Task("task_words_1", "words.pdf", "levitating", "so-so", new JsonArray(
            Step("step_words_1", "astrology", "pondering", "warn", Start, Start.AddSeconds(3), 3_000, reason: "The stars were not aligned."),
            Step("step_words_2", "preflight", "hibernating", null, Start.AddSeconds(4), null, null))),
        Task("task_words_2", "more-words.pdf", "", "", new JsonArray())));

    private static JsonObject EmptyJob() => Job("job_hostile_empty", "ready", "pass", []);

    private static JsonObject ManyJob(int files)
    {
        var tasks = new JsonArray();
        for (var i = 1; i <= files; i++)
        {
            var from = Start.AddSeconds(i % 600);
            var outcome = (i % 7) switch { 0 => "fail", 1 => "warn", _ => "pass" };
            tasks.Add(Task($"task_many_{i}", $"file-{i}.pdf", "done", outcome, Steps($"step_many_{i}", from)));
        }
        return Job("job_hostile_many", "done", "fail", tasks);
    }

    private static JsonObject TimeJob() => Job("job_hostile_time", "done", "warn", new JsonArray(
        Task("task_time_1", "time.pdf", "done", "warn", new JsonArray(
            // Listed last-first, one ending before it starts, one with a negative and one with a huge duration.
            Step("step_time_3", "proof", "done", "pass", Start.AddSeconds(20), Start.AddSeconds(25), 5_000),
            Step("step_time_2", "autofix", "done", "warn", Start.AddSeconds(12), Start.AddSeconds(8), -4_000, reason: "Ended before it started."),
            Step("step_time_1", "preflight", "done", "pass", Start, Start.AddSeconds(10), 1e300),
            Step("step_time_4", "validate", "done", "pass", Start.AddSeconds(30), Start.AddSeconds(31), -1e300),
            Step("step_time_5", "previews", "done", "pass", null, Start.AddSeconds(40), 1_000))),
        Task("task_time_2", "far.pdf", "done", "fail", new JsonArray(
            Step("step_far_1", "preflight", "done", "fail", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, double.MaxValue, reason: "Ran from year 1 to year 9999."),
            Step("step_far_2", "proof", "done", "pass", DateTimeOffset.MaxValue, DateTimeOffset.MinValue, -double.MaxValue)))));

    private static JsonObject TextJob()
    {
        var findings = new JsonObject
        {
            ["kind"] = "report",
            ["body"] = new JsonObject
            {
                ["summary"] = new JsonObject { ["errors"] = 2, ["warnings"] = 1 },
                ["findings"] = new JsonArray(
                    new JsonObject { ["check"] = Hostile("check"), ["severity"] = "error", ["message"] = Hostile("message"), ["page"] = 1 },
                    new JsonObject { ["check"] = TenKilobytes, ["severity"] = Hostile("severity"), ["message"] = TenKilobytes }),
            },
        };
        return Job("job_hostile_text", Hostile("status"), Hostile("outcome"), new JsonArray(
            Task("task_text_1", Hostile("name") + ".pdf", Hostile("status"), "fail", new JsonArray(
                Step("step_text_1", "preflight", "done", "fail", Start, Start.AddSeconds(2), 2_000, reason: Hostile("reason"),
                    parameters: new JsonObject { ["note"] = Hostile("param"), ["url"] = "javascript:window.__pwned=1" }, outputs: [findings]),
                Step("step_text_2", Hostile("type"), Hostile("step status"), "warn", Start.AddSeconds(3), Start.AddSeconds(4), 1_000, reason: TenKilobytes))),
            Task("task_text_2", TenKilobytes + ".pdf", "done", "warn", new JsonArray(
                Step("step_text_3", "preflight", "done", "warn", Start, Start.AddSeconds(1), 1_000, reason: RightToLeft + " " + Emoji)))),
            job =>
            {
                job["orderId"] = Hostile("order");
                job["customerId"] = Hostile("customer");
                job["customerEmail"] = "\"><script>window.__pwned=1</script>@example.com";
                job["metaData"] = new JsonObject { ["note"] = Hostile("meta"), [Hostile("key")] = TenKilobytes };
            });
    }

    private static JsonObject DeepJob()
    {
        JsonNode Nest(int depth)
        {
            JsonNode node = new JsonObject { ["bottom"] = Hostile("deep") };
            for (var i = 0; i < depth; i++) node = i % 2 == 0 ? new JsonObject { ["level"] = node } : new JsonArray(node);
            return node;
        }
        return Job("job_hostile_deep", "done", "pass", new JsonArray(
            Task("task_deep_1", "deep.pdf", "done", "pass", new JsonArray(
                Step("step_deep_1", "preflight", "done", "pass", Start, Start.AddSeconds(1), 1_000, parameters: new JsonObject { ["nested"] = Nest(NestingDepth) })))),
            job => job["metaData"] = new JsonObject { ["nested"] = Nest(NestingDepth) });
    }

    private static JsonObject Runs(Uri files, (string Id, string Name, string? Outcome)[] runs) => new()
    {
        ["runs"] = new JsonArray(runs.Select((r, i) => (JsonNode)new JsonObject
        {
            ["id"] = r.Id, ["name"] = r.Name, ["outcome"] = r.Outcome, ["status"] = "done", ["hasOutput"] = true,
            // A real image, an SVG that carries script, and one that is not there.
            ["proofs"] = new JsonArray(
                new JsonObject { ["url"] = new Uri(files, $"proofs/{i}.png?sig=0").ToString() },
                new JsonObject { ["url"] = new Uri(files, "proofs/evil.svg?sig=0").ToString() },
                new JsonObject { ["url"] = new Uri(files, "proofs/missing.png?sig=0").ToString() }),
            ["downloadUrl"] = new Uri(files, $"downloads/{i}.pdf?sig=0").ToString(),
        }).ToArray()),
    };

    /// <summary>A 1×1 PNG: what a proof URL of the hostile server answers.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    public static readonly byte[] EvilSvg = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned=1\"><script>window.__pwned=1</script></svg>");
}
