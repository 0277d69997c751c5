using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Filecheck.Api;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>
/// Filecheck in memory for component tests: the vendor's fixtures plus the jobs a test describes, counting every call.
/// Never the proof a feature works against Filecheck; that stays with the sandbox over HTTP.
/// </summary>
public sealed class FakeFilecheckClient : IFilecheckClient
{
    private readonly ConcurrentDictionary<string, Func<int, Job>> _jobs = new();
    private readonly ConcurrentDictionary<string, RunsResponse> _runs = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>Set: every call fails with it, as Filecheck down or a rejected key would.</summary>
    public FilecheckFailure? Failure { get; set; }

    /// <summary>The vendor's fixtures: <see cref="FakeJobs.Full"/> (with its runs) and <see cref="FakeJobs.Preflight"/>.</summary>
    public static FakeFilecheckClient FromFixtures()
    {
        var fake = new FakeFilecheckClient();
        fake.Add(FakeJobs.Fixture("job.full.json"), JsonSerializer.Deserialize(FakeJobs.Read("job.runs.json"), FilecheckJsonContext.Default.RunsResponse));
        fake.Add(FakeJobs.Fixture("job.preflight.json"));
        return fake;
    }

    public Job Add(Job job, RunsResponse? runs = null)
    {
        _jobs[job.Id] = _ => job;
        if (runs is not null) _runs[job.Id] = runs;
        return job;
    }

    /// <summary>A job that moves: its answer to the n-th GET (1-based).</summary>
    public void Add(string id, Func<int, Job> answer) => _jobs[id] = answer;

    /// <summary>How many times GET /jobs/{id} was asked.</summary>
    public int Calls(string id) => _calls.GetValueOrDefault(id);

    public Task<FilecheckResult<Job>> GetJobAsync(JobId id, CancellationToken cancellationToken = default)
    {
        var n = _calls.AddOrUpdate(id.Value, 1, (_, c) => c + 1);
        if (Failure is { } failure) return Task.FromResult(FilecheckResult<Job>.Fail(failure));
        return Task.FromResult(_jobs.TryGetValue(id.Value, out var answer)
            ? FilecheckResult<Job>.Success(answer(n))
            : FilecheckResult<Job>.Fail(FilecheckFailureKind.NotFound, "Job not found", 404));
    }

    public Task<FilecheckResult<RunsResponse>> GetRunsAsync(JobId id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Failure is { } failure ? FilecheckResult<RunsResponse>.Fail(failure)
            : _runs.TryGetValue(id.Value, out var runs) ? FilecheckResult<RunsResponse>.Success(runs)
            : FilecheckResult<RunsResponse>.Fail(FilecheckFailureKind.NotFound, "Job not found", 404));

    public Task<FilecheckResult<JobListPage>> ListJobsAsync(int limit = 20, string? nextKey = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Failure is { } failure ? FilecheckResult<JobListPage>.Fail(failure)
            : FilecheckResult<JobListPage>.Success(new JobListPage { Jobs = _jobs.Values.Select(a => a(1)).OrderByDescending(j => j.CreatedAt).Take(limit).ToList() }));

    public Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListWorkflowsAsync(CancellationToken cancellationToken = default) => Library();

    public Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListRulesAsync(CancellationToken cancellationToken = default) => Library();

    public Task<FilecheckResult<IReadOnlyList<LibraryItem>>> ListProfilesAsync(CancellationToken cancellationToken = default) => Library();

    public Task<FilecheckResult<LibraryItem>> GetWorkflowAsync(string id, CancellationToken cancellationToken = default) => Item(id);

    public Task<FilecheckResult<LibraryItem>> GetRuleAsync(string id, CancellationToken cancellationToken = default) => Item(id);

    public Task<FilecheckResult<LibraryItem>> GetProfileAsync(string id, CancellationToken cancellationToken = default) => Item(id);

    private static Task<FilecheckResult<IReadOnlyList<LibraryItem>>> Library() =>
        Task.FromResult(FilecheckResult<IReadOnlyList<LibraryItem>>.Success([]));

    private static Task<FilecheckResult<LibraryItem>> Item(string id) =>
        Task.FromResult(FilecheckResult<LibraryItem>.Fail(FilecheckFailureKind.NotFound, $"{id} not found", 404));
}

/// <summary>Jobs for the fake: the vendor's fixtures as they are, or changed the way a test describes.</summary>
public static class FakeJobs
{
    /// <summary>job.full.json: one file, preflight warn, autofix fixed, validate pass; outcome pass.</summary>
    public const string Full = "job_01jf8n2q4vxw9k3m5p7r9t1v3x";
    /// <summary>job.preflight.json: one file whose preflight failed.</summary>
    public const string Preflight = "job_01jf8npf01xw9k3m5p7r9t1v3x";

    public static string Read(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spec", "filecheck", "fixtures", file));

    /// <summary>A fixture's job, optionally changed as JSON first (the shape the API sends).</summary>
    public static Job Fixture(string file, Action<JsonObject>? change = null)
    {
        var root = JsonNode.Parse(Read(file))!.AsObject();
        var job = root["job"]!.AsObject();
        change?.Invoke(job);
        return JsonSerializer.Deserialize(job.ToJsonString(), FilecheckJsonContext.Default.Job)!;
    }

    /// <summary>The full fixture's file <paramref name="files"/> times, named <c>page-N.pdf</c>, with durations that differ.</summary>
    public static Job Large(int files, string id = "job_fake_large") => Fixture("job.full.json", job =>
    {
        job["id"] = id;
        var template = job["tasks"]![0]!;
        var tasks = new JsonArray();
        for (var i = 1; i <= files; i++)
        {
            var task = template.DeepClone().AsObject();
            task["id"] = $"task_fake_{i:000}";
            task["originalArtifact"]!["fileName"] = $"page-{i}.pdf";
            task["steps"]![0]!["duration"] = 1000 + 37 * i % 5000;
            tasks.Add(task);
        }
        job["tasks"] = tasks;
    });

    /// <summary>
    /// The full fixture's file, still running at <paramref name="now"/>: preflight done, autofix running since
    /// <paramref name="running"/> ago, validate not started yet.
    /// </summary>
    public static Job Running(DateTimeOffset now, TimeSpan running, string id = "job_fake_running") => Fixture("job.full.json", job =>
    {
        job["id"] = id;
        job["status"] = "running";
        job["outcome"] = null;
        job.Remove("summary");
        job.Remove("results");
        var task = job["tasks"]![0]!;
        task["status"] = "running";
        task["outcome"] = null;
        var steps = task["steps"]!.AsArray();
        var preflightEnd = now - running;
        steps[0]!["started"] = Iso(preflightEnd - TimeSpan.FromSeconds(7));
        steps[0]!["ended"] = Iso(preflightEnd);
        steps[1]!["status"] = "running";
        steps[1]!["outcome"] = null;
        steps[1]!["started"] = Iso(preflightEnd);
        steps[1]!["ended"] = null;
        steps[1]!["duration"] = null;
        steps[2]!["status"] = "pending";
        steps[2]!["outcome"] = null;
        steps[2]!["started"] = null;
        steps[2]!["ended"] = null;
        steps[2]!["duration"] = null;
        steps[2]!["outputs"] = new JsonArray();
    });

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
