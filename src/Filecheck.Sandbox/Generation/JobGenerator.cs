using System.Globalization;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Generation;

/// <summary>What one file of a scripted job should do; anything left null is drawn from the random source.</summary>
internal sealed record TaskSpec(string FileName, string[] Chain)
{
    public IReadOnlyList<Finding>? Findings { get; init; }
    public bool? Compliant { get; init; }
    public int? ErrorAtStep { get; init; }
    public string? ErrorReason { get; init; }
    /// <summary>Exact step durations (no waits between steps) instead of drawn ones.</summary>
    public TimeSpan[]? Durations { get; init; }
    public TimeSpan? Offset { get; init; }
    public int? Pages { get; init; }
    /// <summary>Steps recorded as skipped (the file's type does not fit them), by position in the chain.</summary>
    public bool[]? Skip { get; init; }
    /// <summary>The params each step was submitted with, by position (null: none), instead of the generated ones.</summary>
    public JsonObject?[]? StepParams { get; init; }
    /// <summary>A PDF/A or PDF/UA code (auto, 1a … 4f, ua1, ua2) the validate step checks against.</summary>
    public string? ValidateProfile { get; init; }
    /// <summary>Where a submitted file came from and what it is, instead of drawn values.</summary>
    public SubmittedFile? File { get; init; }
}

/// <param name="FileRef">The upload it came from, or null.</param>
/// <param name="Url">The URL it was fetched from, or null.</param>
internal sealed record SubmittedFile(string? FileRef, string? Url, long SizeBytes, string FileType, string MimeType);

internal sealed record JobMeta(string Channel, string? WorkflowId, string? RuleId, string ProfileId, string? ValidateProfile)
{
    /// <summary>Share of files with no finding at all.</summary>
    public double CleanShare { get; init; } = 0.5;
    public string? OrderId { get; init; }
    public string? CustomerId { get; init; }
    public string? CustomerEmail { get; init; }
    public JsonObject? MetaData { get; init; }
    public string OnFail { get; init; } = "reject";
}

/// <summary>Builds <see cref="JobPlan"/>s from a random source: the same seed gives the same job.</summary>
internal static class JobGenerator
{
    private static readonly string[] First = ["anna", "ben", "chloe", "david", "emma", "felix", "grace", "hugo", "ines", "jonas", "lena", "marco", "nora", "oscar", "paula", "sam"];
    private static readonly string[] Last = ["schmidt", "murphy", "rossi", "novak", "garcia", "jensen", "dubois", "kowalski", "smith", "tanaka", "silva", "brown"];

    private static readonly Dictionary<string, double> MedianMs = new()
    {
        ["preflight"] = 6000, ["autofix"] = 12000, ["repreflight"] = 5000, ["validate"] = 7000,
        ["previews"] = 4000, ["proof"] = 3000, ["optimize"] = 15000,
        ["convert"] = 8000, ["upscale"] = 20000, ["removebg"] = 9000, ["deliver"] = 1500,
    };

    /// <summary>Checks that turn up far more often than others in real print shops.</summary>
    private static readonly HashSet<string> Common =
    [
        "Minimum Resolution", "Bleed Lines", "Fonts Embedded", "Document Color Mode", "Maximum Ink Coverage",
        "Effective Resolution", "Color Mode", "Output Intent", "Text Safe Zone", "Rich Black",
    ];

    /// <summary>A random job. <paramref name="speed"/> stretches every duration (slow jobs stay running for minutes).</summary>
    public static JobPlan Random(string id, DateTimeOffset created, int seed, double speed = 1.0, SandboxStory? story = null)
    {
        var rng = new Random(seed);
        var roll = rng.NextDouble();
        var channel = roll < 0.5 ? "store" : roll < 0.85 ? "api" : "admin";
        WorkflowDef? wf = channel switch
        {
            "store" => Weighted(rng, Catalog.Workflows.Where(w => w.StoreChannel).ToArray()),
            "admin" => rng.NextDouble() < 0.7 ? Weighted(rng, Catalog.Workflows.ToArray()) : null,
            _ => rng.NextDouble() < 0.4 ? Weighted(rng, Catalog.Workflows.ToArray()) : null,
        };
        var chain = wf?.Chain ?? Catalog.ApiChains[rng.Next(Catalog.ApiChains.Count)];
        var pool = wf?.Files ?? Catalog.ApiFiles;
        var r = rng.NextDouble();
        var files = r < 0.45 ? 1 : r < 0.75 ? 2 : r < 0.87 ? 3 : r < 0.93 ? 4 : r < 0.97 ? 5 : rng.Next(6, 13);
        var names = new List<string>();
        for (var i = 0; i < files; i++)
        {
            var name = pool[rng.Next(pool.Count)];
            var n = 2;
            var candidate = name;
            while (names.Contains(candidate))
                candidate = Path.GetFileNameWithoutExtension(name) + "-" + n++ + Path.GetExtension(name);
            names.Add(candidate);
        }

        JobMeta meta;
        if (channel == "store")
        {
            var email = $"{First[rng.Next(First.Length)]}.{Last[rng.Next(Last.Length)]}@example.com";
            meta = new JobMeta(channel, wf?.Id, wf?.RuleId, wf?.ProfileId ?? "default", wf?.ValidateProfile)
            {
                OrderId = "order_" + rng.Next(1000, 99999).ToString(CultureInfo.InvariantCulture),
                CustomerId = "cust_" + rng.Next(100, 9999).ToString(CultureInfo.InvariantCulture),
                CustomerEmail = email,
                MetaData = new JsonObject { ["cartId"] = "cart_" + rng.Next(10000, 99999).ToString(CultureInfo.InvariantCulture) },
                OnFail = rng.NextDouble() < 0.8 ? "reject" : "manual_review",
                CleanShare = wf?.CleanShare ?? 0.5,
            };
        }
        else
        {
            meta = new JobMeta(channel, wf?.Id, channel == "admin" ? wf?.RuleId : null, wf?.ProfileId ?? "default", wf?.ValidateProfile)
            {
                MetaData = rng.NextDouble() < 0.3 ? new JsonObject { ["externalRef"] = "PO-" + rng.Next(10000, 99999).ToString(CultureInfo.InvariantCulture) } : null,
                OnFail = channel == "api" ? "accept_with_warnings" : "manual_review",
                CleanShare = wf?.CleanShare ?? 0.5,
            };
        }
        var context = story is null ? null : StoryContext.For(story, created, seed, wf?.Id);
        return Build(id, created, rng, meta, names.Select(n => new TaskSpec(n, chain)).ToArray(), speed, story: context);
    }

    public static JobPlan Build(string id, DateTimeOffset created, Random rng, JobMeta meta, IReadOnlyList<TaskSpec> specs, double speed = 1.0, TimeSpan? jobWait = null, StoryContext? story = null)
    {
        var wait = jobWait ?? Ms(Ids.LogNormal(rng, 1500, 0.7) * speed);
        var tasks = new List<TaskPlan>(specs.Count);
        var urlSource = meta.Channel == "api" && rng.NextDouble() < 0.5;
        foreach (var spec in specs)
        {
            var stagger = spec.Offset ?? Ms(rng.Next(0, 400) + tasks.Count * 150);
            tasks.Add(BuildTask(id, created, created + wait + stagger, rng, meta, spec, speed, urlSource, story));
        }
        return new JobPlan
        {
            Id = id,
            Created = created,
            Channel = meta.Channel,
            WorkflowId = meta.WorkflowId,
            RuleId = meta.RuleId,
            OrderId = meta.OrderId,
            CustomerId = meta.CustomerId,
            CustomerEmail = meta.CustomerEmail,
            MetaData = meta.MetaData,
            OnFail = meta.OnFail,
            Tasks = tasks,
        };
    }

    private static TaskPlan BuildTask(string jobId, DateTimeOffset created, DateTimeOffset start, Random rng, JobMeta meta, TaskSpec spec, double speed, bool urlSource, StoryContext? story)
    {
        var (fileType, mime) = spec.File is { } file ? (file.FileType, file.MimeType) : Catalog.TypeOf(spec.FileName);
        var raster = fileType == "raster";
        var size = (long)Math.Clamp(Ids.LogNormal(rng, raster ? 6_000_000 : 900_000, 0.9), 20_000, 400_000_000);
        if (spec.File is not null) size = spec.File.SizeBytes;
        var pages = spec.Pages ?? (raster ? 1 : fileType == "office" ? rng.Next(1, 12) : rng.NextDouble() < 0.6 ? 1 : rng.Next(2, 9));
        var taskId = Ids.Ulid("task_", created.ToUnixTimeMilliseconds() + 1000, rng);
        var fileRef = urlSource ? null : Ids.Ulid("upload_", created.ToUnixTimeMilliseconds() - 2000, rng);
        if (spec.File is not null) fileRef = spec.File.FileRef;
        var chain = spec.Chain;

        var findings = spec.Findings ?? (chain.Contains("preflight") ? RollFindings(rng, raster, meta.CleanShare) : []);
        if (story is not null && chain.Contains("preflight")) findings = story.Apply(findings, raster);
        int errorAt = spec.ErrorAtStep ?? (rng.NextDouble() < 0.03 ? (rng.NextDouble() < 0.6 ? 0 : rng.Next(chain.Length)) : -1);
        var errorReason = spec.ErrorReason ?? (errorAt == 0
            ? Catalog.ErrorReasons[rng.Next(2)]
            : Catalog.ErrorReasons[rng.Next(Catalog.ErrorReasons.Count)]);

        var steps = new List<StepPlan>(chain.Length);
        var remaining = findings.ToList();
        var fixedAny = false;
        var validateFailed = false;
        string? outputName = null;
        var t = start;
        var perType = new Dictionary<string, int>();
        for (var i = 0; i < chain.Length; i++)
        {
            var type = chain[i];
            perType[type] = perType.GetValueOrDefault(type) + 1;
            var stepId = $"step_{type}_{perType[type]}";
            if (i > 0 && spec.Durations is null) t += Ms(Ids.LogNormal(rng, 600, 0.6) * speed);
            var sizeFactor = 1 + Math.Min(size / 50_000_000.0, 3) + Math.Log(pages) * 0.3;
            var dur = spec.Durations?[i] ?? Ms(Math.Clamp(Ids.LogNormal(rng, MedianMs[type] * sizeFactor, 0.55), 300, 120_000) * speed * (story?.DurationFactor(type) ?? 1.0));

            var stepParams = spec.StepParams is { } given ? given[i] : ParamsFor(type, meta);
            if ((errorAt >= 0 && i > errorAt) || spec.Skip?[i] == true)
            {
                steps.Add(new StepPlan { Id = stepId, Type = type, Start = t, Duration = TimeSpan.Zero, FinalStatus = "skipped", Params = stepParams });
                continue;
            }
            if (i == errorAt)
            {
                var errDur = spec.Durations?[i] ?? Ms(Math.Clamp(Ids.LogNormal(rng, 1500, 0.5), 200, 10_000) * speed);
                if (errorReason.StartsWith("Processing timed out", StringComparison.Ordinal) && spec.Durations is null) errDur = TimeSpan.FromSeconds(300 * Math.Min(speed, 1));
                steps.Add(new StepPlan { Id = stepId, Type = type, Start = t, Duration = errDur, FinalStatus = "error", Reason = errorReason, Params = stepParams });
                t += errDur;
                continue;
            }

            string? outcome;
            string? reason = null;
            IReadOnlyList<Finding>? reported = null;
            ValidatePlan? validate = null;
            JsonObject? runtime = null;
            switch (type)
            {
                case "preflight":
                case "repreflight":
                    reported = type == "preflight" ? findings : remaining.ToArray();
                    outcome = Verdict(reported);
                    reason = ReasonOf(reported);
                    break;
                case "autofix":
                    var fixable = remaining.Where(f => f.AutoFixable).ToArray();
                    outcome = fixable.Length > 0 ? "fixed" : "unchanged";
                    if (fixable.Length > 0)
                    {
                        fixedAny = true;
                        remaining.RemoveAll(f => f.AutoFixable);
                        outputName = raster ? "fixed.png" : "fixed.pdf";
                        runtime = new JsonObject
                        {
                            ["fixes"] = new JsonArray(fixable.Select(f => (JsonNode)JsonValue.Create(f.Check.RuleId)).ToArray()),
                            ["messages"] = new JsonArray(fixable.Select(f => (JsonNode)JsonValue.Create(Finding.Fill(f.Check.AutoFix ?? f.Check.Fix, f.Values))).ToArray()),
                        };
                    }
                    break;
                case "validate":
                    var compliant = spec.Compliant ?? (!remaining.Any(f => f.IsError) && rng.NextDouble() > 0.07);
                    var failures = compliant ? new List<string>() : FailureDescriptions(remaining, rng);
                    var requested = spec.ValidateProfile ?? meta.ValidateProfile ?? "x4";
                    var (matched, profileName) = spec.ValidateProfile is { } code ? ValidationCodes.Describe(code)
                        : (requested == "x4" ? "4" : requested, requested == "x1a" ? "PDF/X-1a" : "PDF/X-4");
                    validate = new ValidatePlan(requested, matched, profileName, compliant,
                        rng.Next(118, 140), compliant ? 0 : rng.Next(2, 9), rng.Next(38, 46), failures.Count, failures);
                    outcome = compliant ? "pass" : "fail";
                    reason = compliant ? null : $"{validate.ProfileName} conformance failed: {string.Join("; ", failures)}.";
                    validateFailed |= !compliant;
                    break;
                case "optimize":
                    outcome = "pass";
                    outputName = raster ? "optimized.png" : "optimized.pdf";
                    runtime = new JsonObject { ["appliedFixes"] = new JsonArray("downsample_images", "subset_fonts") };
                    break;
                default: // previews, proof: produce images, no verdict
                    outcome = "na";
                    break;
            }
            steps.Add(new StepPlan
            {
                Id = stepId, Type = type, Start = t, Duration = dur, Outcome = outcome, Reason = reason,
                Params = stepParams, RuntimeParams = runtime, Findings = reported, Validate = validate,
            });
            t += dur;
        }

        var errored = errorAt >= 0;
        string? taskOutcome = errored ? null
            : steps.All(s => s.FinalStatus == "skipped") ? "na"
            : remaining.Any(f => f.IsError) && chain.Contains("preflight") || validateFailed ? "fail"
            : remaining.Count > 0 && chain.Contains("preflight") ? "warn"
            : fixedAny ? "fixed"
            : "pass";
        return new TaskPlan
        {
            Id = taskId,
            Created = created + TimeSpan.FromSeconds(1),
            FileName = spec.FileName,
            FileType = fileType,
            MimeType = mime,
            SizeBytes = size,
            FileRef = fileRef,
            Source = spec.File is { } f ? f.Url : urlSource ? "https://cdn.example.com/uploads/" + spec.FileName : null,
            Pages = pages,
            Steps = steps,
            Outcome = taskOutcome,
            Errored = errored,
            OutputName = errored ? null : outputName,
            OutputSizeBytes = (long)(size * (0.85 + rng.NextDouble() * 0.3)),
            Findings = findings,
        };
    }

    private static List<string> FailureDescriptions(List<Finding> remaining, Random rng)
    {
        var list = new List<string>();
        foreach (var f in remaining.Where(f => f.IsError))
            list.Add(f.Check.Name switch
            {
                "Fonts Embedded" => "font not embedded: " + f.Values.GetValueOrDefault("actual.fonts", "Helvetica"),
                "Security" => "encryption is not allowed",
                _ => f.Check.Name.ToLowerInvariant() + " check failed",
            });
        string[] generic = ["OutputIntent is missing (ISO 15930-7, 6.2.2)", "transparency group uses a non-CMYK blending space", "font not embedded: Helvetica", "TrimBox is missing on page 1"];
        if (list.Count == 0) list.Add(generic[rng.Next(generic.Length)]);
        return list;
    }

    public static string Verdict(IReadOnlyList<Finding> findings) =>
        findings.Any(f => f.IsError) ? "fail" : findings.Count > 0 ? "warn" : "pass";

    /// <summary>The step's reason: the most severe finding's sentence, as a customer reads it.</summary>
    public static string? ReasonOf(IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0) return null;
        var worst = findings.OrderByDescending(f => f.IsError).First();
        return findings.Count == 1 ? worst.Message : $"{worst.Message} (+{findings.Count - 1} more)";
    }

    private static Finding[] RollFindings(Random rng, bool raster, double cleanShare)
    {
        var r = rng.NextDouble();
        // Below cleanShare: clean; the rest splits 60/26/14 into one, two or three findings, as it always did at 0.5.
        var u = (r - cleanShare) / (1 - cleanShare);
        var count = r < cleanShare ? 0 : u < 0.6 ? 1 : u < 0.86 ? 2 : 3;
        if (count == 0) return [];
        var candidates = Catalog.Checks.Where(c => c.Severity is not null && c.IsRaster == raster).ToList();
        var result = new List<Finding>();
        for (var i = 0; i < count && candidates.Count > 0; i++)
        {
            var total = candidates.Sum(Weight);
            var x = rng.NextDouble() * total;
            var pick = candidates[^1];
            foreach (var c in candidates)
            {
                x -= Weight(c);
                if (x <= 0) { pick = c; break; }
            }
            candidates.Remove(pick);
            result.Add(Finding.Create(pick, rng));
        }
        return result.ToArray();

        static double Weight(PreflightCheck c) =>
            (c.Severity switch { "reject" => 0.5, "warn" => 1.0, _ => 1.3 }) * (Common.Contains(c.Name) ? 4 : 1);
    }

    private static JsonObject? ParamsFor(string type, JobMeta meta) => type switch
    {
        "preflight" or "repreflight" => new JsonObject { ["profileId"] = meta.ProfileId },
        "validate" => new JsonObject { ["profile"] = new JsonArray(meta.ValidateProfile ?? "x4") },
        "previews" => new JsonObject { ["format"] = "jpg", ["dpi"] = 72, ["maxPages"] = 20 },
        "proof" => new JsonObject { ["format"] = "png" },
        "optimize" => new JsonObject { ["presetId"] = "opt_print_standard" },
        _ => null,
    };

    private static WorkflowDef Weighted(Random rng, WorkflowDef[] items)
    {
        var x = rng.NextDouble() * items.Sum(w => w.Weight);
        foreach (var w in items)
        {
            x -= w.Weight;
            if (x <= 0) return w;
        }
        return items[^1];
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(Math.Round(ms));
}

/// <summary>The PDF/A and PDF/UA conformance codes <c>validate</c> accepts (openapi.json, JobsValidatePost).</summary>
internal static class ValidationCodes
{
    public static IReadOnlyList<string> All { get; } = ["auto", "1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u", "4", "4e", "4f", "ua1", "ua2"];

    /// <summary>The level matched and its name; <c>auto</c> matches what the file claims, here PDF/A-2b.</summary>
    public static (string Matched, string Name) Describe(string code) => code switch
    {
        "auto" => ("2b", "PDF/A-2b"),
        "ua1" => ("ua1", "PDF/UA-1"),
        "ua2" => ("ua2", "PDF/UA-2"),
        _ => (code, "PDF/A-" + code),
    };
}
