using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

public sealed class SpecConformanceTests
{
    private static readonly SpecValidator Spec = new();
    private static readonly string ListJobs = SpecValidator.ResponseName("get", "/jobs", 200);

    private static string Fixture(string name) => SpecValidator.Fixture(name);

    public static TheoryData<string, string> AllFixtures()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, schema) in SpecValidator.Fixtures) data.Add(file, schema);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Fixture_ValidatesAgainstSpec(string file, string schema) => Spec.AssertValid(schema, Fixture(file), file);

    [Theory]
    [InlineData("job", "jobs")]
    [InlineData("tasks", "files")]
    [InlineData("status", "state")]
    [InlineData("type", "kind")]
    [InlineData("outcome", "result")]
    [InlineData("fileType", "file_type")]
    [InlineData("downloadUrl", "download_url")]
    public void RenamedField_FailsValidation(string field, string renamed)
    {
        var body = Rename(JsonNode.Parse(Fixture("job.full.json"))!, field, renamed).ToJsonString();
        Assert.Contains($"\"{renamed}\"", body);
        Assert.NotEmpty(Spec.Errors("JobResponse", body));
    }

    [Fact]
    public void EveryFieldRenamed_FailsValidation_ButPassesThePublishedSchemasAlone()
    {
        var body = RenameAll(JsonNode.Parse(Fixture("job.full.json"))!).ToJsonString();
        Assert.NotEmpty(Spec.Errors("JobResponse", body));
        // Why the fixture-required fields are needed: the vendor's schemas alone accept it.
        Assert.Empty(new SpecValidator(requireFixtureFields: false).Errors("JobResponse", body));
    }

    [Fact]
    public void RenamedRunField_FailsValidation()
    {
        var runs = JsonNode.Parse(Fixture("job.runs.json"))!;
        Assert.NotEmpty(Spec.Errors("RunsResponse", Rename(runs, "proofs", "previews").ToJsonString()));
    }

    /// <summary>Renames <paramref name="field"/> wherever it occurs, keeping its value.</summary>
    private static JsonNode Rename(JsonNode node, string field, string renamed) => Map(node, key => key == field ? renamed : key);

    private static JsonNode RenameAll(JsonNode node) => Map(node, key => key + "_");

    private static JsonNode Map(JsonNode node, Func<string, string> name) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(kv => KeyValuePair.Create(name(kv.Key), kv.Value is null ? null : Map(kv.Value, name)))),
        JsonArray array => new JsonArray(array.Select(item => item is null ? null : Map(item, name)).ToArray()),
        _ => node.DeepClone(),
    };

    [Fact]
    public void DriftedBody_FailsValidation()
    {
        var job = JsonNode.Parse(Fixture("job.full.json"))!;
        job["job"]!["status"] = 3;
        Assert.NotEmpty(Spec.Errors("JobResponse", job.ToJsonString()));

        var step = JsonNode.Parse(Fixture("job.full.json"))!;
        step["job"]!["tasks"]![0]!["steps"]![0]!["outcome"] = "excellent";
        Assert.NotEmpty(Spec.Errors("JobResponse", step.ToJsonString()));
    }

    [Fact]
    public void UnwidenedSpec_RejectsFixedStepOutcome_SoTheWideningIsNeeded()
    {
        var strict = new SpecValidator(widenOutcomeEnums: false);
        Assert.NotEmpty(strict.Errors("JobResponse", Fixture("job.full.json")));
    }

    [Fact]
    public async Task EverySandboxAnswer_MatchesItsResponseSchema()
    {
        await using var sb = await Sandbox.StartAsync();
        var checkedBodies = 0;
        async Task Check(string path, int status, string schema)
        {
            var (actual, body) = await sb.GetAsync(path);
            Assert.True(actual == status, $"GET {path}: expected {status}, got {actual}: {body}");
            Spec.AssertValid(schema, body, "GET " + path);
            checkedBodies++;
        }

        // List pages, following the cursor.
        var ids = new List<string>();
        string? next = null;
        for (var page = 0; page < 3; page++)
        {
            var path = "/jobs?limit=50" + (next is null ? "" : "&nextKey=" + next);
            await Check(path, 200, ListJobs);
            var body = await sb.GetJsonAsync(path);
            ids.AddRange(body["jobs"]!.AsArray().Select(j => (string)j!["id"]!));
            next = (string?)body["nextKey"];
        }

        // Full jobs and runs: every well-known job and a sample of generated ones (running, historical, errors included).
        // The spec's 200 for /jobs/{id} is oneOf [JobResponse, RunsResponse]; neither has required properties, so every
        // object matches both and oneOf can never pass. Each body is checked against the branch it claims to be.
        foreach (var id in WellKnownJobs.All.Select(j => j.Id).Concat(ids.Where((_, i) => i % 3 == 0)))
        {
            await Check($"/jobs/{id}", 200, "JobResponse");
            await Check($"/jobs/{id}?expand=runs", 200, "RunsResponse");
        }

        foreach (var (list, item, id) in new[] { ("workflows", "workflow", "wf_business_cards"), ("rules", "rule", "rule_flyers_a5"), ("profiles", "profile", "profile_large_format_raster") })
        {
            await Check($"/{list}", 200, SpecValidator.ResponseName("get", $"/{list}", 200));
            await Check($"/{list}/{id}", 200, SpecValidator.ResponseName("get", $"/{list}/{{id}}", 200));
            await Check($"/{list}/nope_missing", 404, "Error");
        }

        await Check("/jobs?limit=0", 400, "Error");
        await Check("/jobs?nextKey=garbage!!", 400, "Error");
        await Check("/jobs/job_demo_passing?expand=tasks", 400, "Error");
        await Check("/jobs/job%20bad", 400, "Error");
        await Check("/jobs/job_missing", 404, "Error");

        using var anonymous = new HttpClient { BaseAddress = sb.Server.BaseAddress };
        var unauthorized = await anonymous.GetStringAsync401("/jobs");
        Spec.AssertValid("Error", unauthorized, "401");
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "pk_test_publishable");
        using var forbidden = await anonymous.GetAsync("/jobs");
        Assert.Equal(403, (int)forbidden.StatusCode);
        Spec.AssertValid("Error", await forbidden.Content.ReadAsStringAsync(), "403");

        Assert.True(checkedBodies > 60, $"only {checkedBodies} bodies checked");
    }
}

internal static class HttpClientExtensions
{
    public static async Task<string> GetStringAsync401(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(401, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
