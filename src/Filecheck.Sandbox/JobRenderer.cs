using System.Text.Json;
using System.Text.Json.Nodes;
using Filecheck.Api.Models;
using Filecheck.Sandbox.Generation;

namespace Filecheck.Sandbox;

/// <summary>Turns a <see cref="JobPlan"/> into the API's shapes as they look at a given instant.</summary>
internal sealed class JobRenderer(UrlSigner signer)
{
    private const string Artifacts = "fc-artifacts";
    private const string Uploads = "fc-uploads";

    internal readonly record struct TaskState(string Status, string? Outcome, DateTimeOffset? Updated, bool Terminal);
    internal readonly record struct JobState(string Status, string? Outcome, DateTimeOffset Modified, bool Terminal);

    public static string StepStatus(StepPlan s, TaskPlan t, DateTimeOffset now)
    {
        if (s.FinalStatus == "skipped") return now >= t.Finished ? "skipped" : "pending";
        if (now < s.Start) return "pending";
        return now < s.End ? "running" : s.FinalStatus;
    }

    public static TaskState StateOf(TaskPlan t, DateTimeOffset now)
    {
        DateTimeOffset? updated = null;
        foreach (var s in t.Steps)
        {
            if (s.FinalStatus == "skipped") continue;
            if (s.End <= now) updated = Max(updated, s.End);
            else if (s.Start <= now) updated = Max(updated, s.Start);
        }
        if (now >= t.Finished) return new(t.Errored ? "error" : "done", t.Outcome, t.Finished, true);
        return new(updated is null ? "pending" : "running", null, updated, false);
    }

    public static JobState StateOf(JobPlan p, DateTimeOffset now)
    {
        var states = p.Tasks.Select(t => StateOf(t, now)).ToArray();
        var modified = states.Aggregate((DateTimeOffset?)null, (m, s) => Max(m, s.Updated)) ?? p.Created;
        if (states.All(s => s.Terminal))
        {
            var errors = states.Count(s => s.Status == "error");
            if (errors == states.Length) return new("error", null, modified, true);
            return new("done", errors > 0 ? "mixed" : Aggregate(states.Select(s => s.Outcome)), modified, true);
        }
        return new(states.All(s => s.Status == "pending") ? "pending" : "running", null, modified, false);
    }

    /// <summary>One verdict for the job: mixed when some files fail and others do not.</summary>
    public static string? Aggregate(IEnumerable<string?> outcomes)
    {
        var set = outcomes.Where(o => o is not null).ToHashSet();
        if (set.Count == 0) return null;
        if (set.Contains("fail")) return set.Count == 1 ? "fail" : "mixed";
        if (set.Contains("mixed")) return "mixed";
        if (set.Contains("warn")) return "warn";
        if (set.Contains("fixed")) return "fixed";
        return "pass";
    }

    public Job Lean(JobPlan p, DateTimeOffset now)
    {
        var st = StateOf(p, now);
        return Envelope(p, st) with { Deliverables = [], Tasks = [] };
    }

    private static Job Envelope(JobPlan p, JobState st) => new()
    {
        Id = p.Id,
        CreatedAt = p.Created,
        ModifiedAt = st.Modified,
        ExpiresAt = null,
        Status = st.Status,
        Outcome = st.Outcome,
        Channel = p.Channel,
        RuleId = p.RuleId,
        WorkflowId = p.WorkflowId,
        WfPhase = p.WorkflowId is null ? null : st.Terminal ? "intake_done" : "intake",
        WfStreamStatus = null,
        MetaData = Element(p.MetaData),
        OrderId = p.OrderId,
        CustomerId = p.CustomerId,
        OrderStatus = null,
        OrderDetails = null,
        CustomerEmail = p.CustomerEmail,
    };

    public Job Full(JobPlan p, DateTimeOffset now)
    {
        var st = StateOf(p, now);
        var tasks = p.Tasks.Select(t => Task(p, t, now)).ToArray();
        var deliverables = new List<Artifact>();
        if (st.Terminal)
        {
            foreach (var t in p.Tasks.Where(t => !t.Errored))
            {
                if (t.OutputName is not null)
                    deliverables.Add(FileArtifact(p, t, "output", t.OutputName, t.OutputMime, t.OutputSizeBytes, withTask: true));
                else if (t.SourceFileName is not null)
                    deliverables.Add(FileArtifact(p, t, "source", t.SourceFileName, t.MimeType, t.SizeBytes, withTask: true));
            }
        }
        return Envelope(p, st) with
        {
            Deliverables = deliverables,
            Tasks = tasks,
            Summary = st.Terminal ? Summary(p, st) : null,
            Results = st.Terminal ? Results(p) : null,
        };
    }

    private Artifact FileArtifact(JobPlan p, TaskPlan t, string role, string name, string mime, long size, bool withTask) => new()
    {
        Role = role,
        Kind = "file",
        TaskId = withTask ? t.Id : null,
        Bucket = Artifacts,
        Key = $"d/{p.DomainIdx}/{p.Id}/{t.Id}/{name}",
        MimeType = mime,
        SizeBytes = size,
        FileName = role == "source" ? t.FileName : Path.GetFileNameWithoutExtension(t.FileName) + "-" + name,
        DownloadUrl = signer.Sign($"/files/{p.Id}/{t.Id}/{name}"),
        ExpiresIn = signer.ExpiresIn,
    };

    private static string UploadKey(JobPlan p, TaskPlan t) => $"u/{p.DomainIdx}/{t.FileRef ?? t.Id}";

    private JobTask Task(JobPlan p, TaskPlan t, DateTimeOffset now)
    {
        var st = StateOf(t, now);
        var outputs = new List<Artifact>();
        if (st.Terminal && t.OutputName is not null)
            outputs.Add(FileArtifact(p, t, "optimizedFile", t.OutputName, t.OutputMime, t.OutputSizeBytes, withTask: false) with { FileName = null });
        return new JobTask
        {
            Id = t.Id,
            CreatedAt = t.Created,
            UpdatedAt = st.Updated,
            Status = st.Status,
            Outcome = st.Outcome,
            FileType = t.FileType,
            MimeType = t.MimeType,
            Source = t.Source,
            FileRef = t.FileRef,
            ClientRef = null,
            JobId = p.Id,
            WfPhase = null,
            WfKind = null,
            OriginalArtifact = new Artifact
            {
                Kind = "file", Bucket = Uploads, Key = UploadKey(p, t), MimeType = t.MimeType, SizeBytes = t.SizeBytes, FileName = t.FileName,
            },
            OutputArtifacts = outputs,
            Steps = t.Steps.Select(s => Step(p, t, s, now)).ToArray(),
        };
    }

    private static Step Step(JobPlan p, TaskPlan t, StepPlan s, DateTimeOffset now)
    {
        var status = StepStatus(s, t, now);
        var final = status is "done" or "error";
        return new Step
        {
            Id = s.Id,
            Type = s.Type,
            Status = status,
            Outcome = final ? s.Outcome : null,
            Reason = final ? s.Reason : null,
            Params = Element(s.Params),
            RuntimeParams = final ? Element(s.RuntimeParams) : null,
            Started = status is "pending" or "skipped" ? null : s.Start,
            Ended = final ? s.End : null,
            Duration = final ? s.Duration.TotalMilliseconds : null,
            InStream = null,
            Outputs = status == "done" ? Outputs(p, t, s) : [],
        };
    }

    private static IReadOnlyList<StepOutput> Outputs(JobPlan p, TaskPlan t, StepPlan s)
    {
        var folder = $"d/{p.DomainIdx}/{p.Id}/{t.Id}";
        switch (s.Type)
        {
            case "preflight" or "repreflight" when s.Findings is not null:
                var body = new JsonObject
                {
                    ["summary"] = new JsonObject
                    {
                        ["errors"] = s.Findings.Count(f => f.IsError),
                        ["warnings"] = s.Findings.Count(f => !f.IsError),
                    },
                    ["findings"] = new JsonArray(s.Findings.Select((f, i) => (JsonNode)f.ToJson(1 + i % t.Pages)).ToArray()),
                };
                return [new StepOutput { Kind = "report", Bucket = Artifacts, Key = $"{folder}/{s.Id}.json", Body = Element(body) }];
            case "validate" when s.Validate is { } v:
                var result = new JsonObject
                {
                    ["results"] = new JsonArray(new JsonObject
                    {
                        ["profile"] = v.Requested,
                        ["profileName"] = v.ProfileName,
                        ["compliant"] = v.Compliant,
                        ["passedChecks"] = v.PassedChecks,
                        ["failedChecks"] = v.FailedChecks,
                        ["passedRules"] = v.PassedRules,
                        ["failedRules"] = v.FailedRules,
                        ["failedRuleDetails"] = new JsonArray(v.FailureDescriptions.Select(d => (JsonNode)new JsonObject { ["description"] = d }).ToArray()),
                    }),
                };
                return [new StepOutput { Kind = "validate", Profile = Element(new JsonArray(v.Requested)), Result = Element(result) }];
            case "previews":
                return [new StepOutput { Kind = "previews", Bucket = Artifacts, Key = $"{folder}/previews/", Body = Element(new JsonObject { ["pages"] = Math.Min(t.Pages, 20) }) }];
            case "proof":
                return Enumerable.Range(1, t.ProofCount)
                    .Select(i => new StepOutput { Kind = "proof", Bucket = Artifacts, Key = $"{folder}/proof-{i}.png" }).ToArray();
            default:
                return [];
        }
    }

    private static JobSummary Summary(JobPlan p, JobState st) => new()
    {
        Id = p.Id,
        DomainIdx = p.DomainIdx,
        Status = st.Status,
        Outcome = st.Outcome,
        RuleId = p.RuleId,
        Channel = p.Channel,
        CustomerId = p.CustomerId,
        OrderId = p.OrderId,
        Policy = new JobPolicy { OnFail = p.OnFail },
        MetaData = Element(p.MetaData),
        TaskIds = p.Tasks.Select(t => t.Id).ToArray(),
        SourceRefs = p.Tasks.Select(t => new SourceRef { TaskId = t.Id, Bucket = Uploads, Key = UploadKey(p, t) }).ToArray(),
        Created = p.Created.ToUnixTimeMilliseconds(),
        Finalized = st.Modified,
    };

    private JobResults Results(JobPlan p)
    {
        List<PreflightResult>? preflight = null;
        List<ValidateResult>? validate = null;
        List<OptimizeResult>? optimize = null;
        foreach (var t in p.Tasks)
        {
            foreach (var s in t.Steps.Where(s => s.FinalStatus == "done"))
            {
                if (s.Type == "preflight" && s.Findings is not null)
                {
                    var f = s.Findings;
                    (preflight ??= []).Add(new PreflightResult
                    {
                        TaskId = t.Id, FileRef = t.FileRef, Source = t.Source, FileType = t.FileType, MimeType = t.MimeType,
                        Status = t.Errored ? "error" : "done", Outcome = t.Outcome,
                        Report = Element(new JsonObject
                        {
                            ["source"] = new JsonObject { ["name"] = t.FileName, ["sizeBytes"] = t.SizeBytes },
                            ["errors"] = new JsonArray(),
                            ["pdf"] = t.FileType == "pdf" ? new JsonObject { ["version"] = "1.7", ["page_count"] = t.Pages } : null,
                            ["evaluation"] = new JsonObject
                            {
                                ["findings"] = new JsonArray(f.Select((x, i) => (JsonNode)x.ToJson(1 + i % t.Pages)).ToArray()),
                                ["summary"] = new JsonObject
                                {
                                    ["fail"] = f.Count(x => x.IsError),
                                    ["warn"] = f.Count(x => !x.IsError),
                                    ["autofixable"] = f.Count(x => x.AutoFixable),
                                    ["autofixableFails"] = f.Count(x => x.AutoFixable && x.IsError),
                                },
                            },
                        }),
                    });
                }
                else if (s.Type == "validate" && s.Validate is { } v)
                {
                    (validate ??= []).Add(new ValidateResult
                    {
                        TaskId = t.Id, FileRef = t.FileRef, Source = t.Source, FileType = t.FileType, MimeType = t.MimeType,
                        Status = t.Errored ? "error" : "done", Outcome = s.Outcome, Compliant = v.Compliant,
                        Profiles =
                        [
                            new ValidateProfile
                            {
                                Requested = v.Requested, Matched = v.Matched, ProfileName = v.ProfileName, Compliant = v.Compliant,
                                Checks = new PassFail { Passed = v.PassedChecks, Failed = v.FailedChecks },
                                Rules = new PassFail { Passed = v.PassedRules, Failed = v.FailedRules },
                                Failures = Element(new JsonArray(v.FailureDescriptions.Select(d => (JsonNode)JsonValue.Create(d)).ToArray())),
                            },
                        ],
                    });
                }
                else if (s.Type == "optimize" && t.OutputName is not null)
                {
                    (optimize ??= []).Add(new OptimizeResult
                    {
                        TaskId = t.Id, FileRef = t.FileRef, Source = t.Source, FileType = t.FileType, MimeType = t.MimeType,
                        Status = "done", Outcome = s.Outcome,
                        Output = new OptimizeOutput
                        {
                            Bucket = Artifacts, Key = $"d/{p.DomainIdx}/{p.Id}/{t.Id}/{t.OutputName}", SizeBytes = t.OutputSizeBytes,
                            DownloadUrl = signer.Sign($"/files/{p.Id}/{t.Id}/{t.OutputName}"), ExpiresIn = signer.ExpiresIn,
                            AppliedFixes = Element(s.RuntimeParams?["appliedFixes"]?.DeepClone()), SkippedFixes = Element(new JsonArray()),
                        },
                    });
                }
            }
        }
        return new JobResults { Preflight = preflight, Validate = validate, Optimize = optimize };
    }

    public RunsResponse Runs(JobPlan p, DateTimeOffset now)
    {
        var st = StateOf(p, now);
        return new RunsResponse
        {
            Id = p.Id,
            Status = st.Status,
            Outcome = st.Outcome,
            Runs = p.Tasks.Select(t =>
            {
                var ts = StateOf(t, now);
                var imageStep = t.Steps.FirstOrDefault(s => s.Type == "proof") ?? t.Steps.FirstOrDefault(s => s.Type == "previews");
                var hasProofs = imageStep is not null && StepStatus(imageStep, t, now) == "done";
                var hasOutput = ts.Terminal && t.OutputName is not null;
                return new Run
                {
                    Id = t.Id,
                    Name = t.FileName,
                    Outcome = ts.Outcome,
                    Status = ts.Status,
                    HasOutput = hasOutput,
                    Proofs = hasProofs
                        ? Enumerable.Range(1, t.ProofCount).Select(i => new Proof { Url = signer.Sign($"/files/{p.Id}/{t.Id}/proof-{i}.png") }).ToArray()
                        : [],
                    DownloadUrl = hasOutput ? signer.Sign($"/files/{p.Id}/{t.Id}/{t.OutputName}") : null,
                };
            }).ToArray(),
        };
    }

    /// <summary>job.completed: the summary spread at top level plus lean tasks (steps carry no timing but <c>ended</c>).</summary>
    public JsonObject CompletedWebhook(JobPlan p, DateTimeOffset now)
    {
        var st = StateOf(p, now);
        var body = JsonSerializer.SerializeToNode(Summary(p, st), SandboxJson.TypeInfo<JobSummary>())!.AsObject();
        body["tasks"] = new JsonArray(p.Tasks.Select(t =>
        {
            var full = JsonSerializer.SerializeToNode(Task(p, t, now), SandboxJson.TypeInfo<JobTask>())!.AsObject();
            var lean = new JsonObject();
            foreach (var key in new[] { "id", "status", "outcome", "mimeType", "fileType", "clientRef", "source", "fileRef" })
                lean[key] = full[key]?.DeepClone();
            lean["sourceRef"] = new JsonObject { ["bucket"] = Uploads, ["key"] = UploadKey(p, t) };
            lean["originalArtifact"] = full["originalArtifact"]?.DeepClone();
            lean["outputArtifacts"] = full["outputArtifacts"]?.DeepClone();
            lean["steps"] = new JsonArray(full["steps"]!.AsArray().Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s!["id"]?.DeepClone(), ["type"] = s["type"]?.DeepClone(), ["status"] = s["status"]?.DeepClone(),
                ["outcome"] = s["outcome"]?.DeepClone(), ["reason"] = s["reason"]?.DeepClone(),
                ["outputs"] = s["outputs"]?.DeepClone(), ["ended"] = s["ended"]?.DeepClone(),
            }).ToArray());
            return (JsonNode)lean;
        }).ToArray());
        return body;
    }

    public static JsonObject CreatedWebhook(JobPlan p) => new()
    {
        ["id"] = p.Id,
        ["status"] = "pending",
        ["channel"] = p.Channel,
        ["ruleId"] = p.RuleId,
        ["customerId"] = p.CustomerId,
        ["orderId"] = p.OrderId,
        ["taskCount"] = p.Tasks.Count,
        ["created"] = p.Created.ToUnixTimeMilliseconds(),
    };

    private static JsonElement? Element(JsonNode? node) =>
        node is null ? null : JsonSerializer.SerializeToElement(node, SandboxJson.TypeInfo<JsonNode>());

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
