using System.Text.Json.Nodes;
using Json.Schema;

namespace Filecheck.Sandbox.Tests;

/// <summary>
/// Validates bodies against the vendor's openapi.json: components.schemas become $defs of one registered schema
/// (refs rewritten from #/components/schemas/X to #/$defs/X), and each operation's response schema is added beside them.
/// The published schemas name no required field, so a body with every field renamed would pass: by default every object
/// schema the vendor's fixtures reach also requires the fields that every fixture instance of it carries.
/// </summary>
public sealed class SpecValidator
{
    private const string BaseUri = "https://filecheck.test/openapi";
    private readonly EvaluationOptions _options;
    private readonly HashSet<string> _names = [];

    public SpecValidator(bool widenOutcomeEnums = true, bool requireFixtureFields = true)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(SpecDir, "openapi.json")))!.AsObject();
        var defs = spec["components"]!["schemas"]!.DeepClone().AsObject();
        if (widenOutcomeEnums)
        {
            // The spec enumerates only pass|warn|fail|null for Step.outcome and Run.outcome, but the vendor's own fixture
            // fixtures/job.full.json has an autofix step with "outcome": "fixed", and the SDK's types (API-NOTES.md) add
            // "unchanged" and "na". Widen exactly these two enums; everything else is validated as published.
            foreach (var name in new[] { "Step", "Run" })
            {
                var e = defs[name]!["properties"]!["outcome"]!["enum"]!.AsArray();
                foreach (var extra in new[] { "fixed", "unchanged", "na" }) e.Add(extra);
            }
        }
        foreach (var (path, item) in spec["paths"]!.AsObject())
        foreach (var (method, op) in item!.AsObject())
        {
            if (op?["responses"] is not JsonObject responses) continue;
            foreach (var (status, response) in responses)
            {
                if (response?["content"]?["application/json"]?["schema"] is not { } schema) continue;
                defs[ResponseName(method, path, int.Parse(status))] = schema.DeepClone();
            }
        }
        if (requireFixtureFields)
        {
            foreach (var (schema, fields) in FixtureFields(defs))
                schema["required"] = new JsonArray(fields.Order(StringComparer.Ordinal).Select(f => (JsonNode)f).ToArray());
        }
        foreach (var n in defs.Select(kv => kv.Key)) _names.Add(n);
        var text = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = BaseUri,
            ["$defs"] = defs,
        }.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/");
        var document = JsonSchema.FromText(text);
        _options = new EvaluationOptions { OutputFormat = OutputFormat.List };
        _options.SchemaRegistry.Register(document);
    }

    /// <summary>Every vendor fixture with the schema it answers as.</summary>
    public static readonly (string File, string Schema)[] Fixtures =
    [
        ("job.full.json", "JobResponse"),
        ("job.lean.json", "JobResponse"),
        ("job.preflight.json", "JobResponse"),
        ("job.pending-202.json", "JobPendingResponse"),
        ("job.runs.json", "RunsResponse"),
        ("jobs.list.json", "get_jobs_200"),
        ("errors/app-400.json", "Error"),
        ("errors/app-404.json", "Error"),
        ("errors/app-500.json", "Error"),
        ("errors/gw-401.json", "Error"),
        ("errors/gw-403.json", "Error"),
    ];

    public static string Fixture(string file) => File.ReadAllText(Path.Combine(SpecDir, "fixtures", file));

    /// <summary>Per object schema the fixtures reach (through $ref, properties and items): the fields all its instances carry.
    /// Lean steps carry no timing, so started/ended/duration stay optional.</summary>
    private static Dictionary<JsonObject, HashSet<string>> FixtureFields(JsonObject defs)
    {
        var fields = new Dictionary<JsonObject, HashSet<string>>(ReferenceEqualityComparer.Instance);
        void Walk(JsonNode? schemaNode, JsonNode? value)
        {
            if (schemaNode is not JsonObject schema || value is null) return;
            if (schema["$ref"] is { } reference)
            {
                Walk(defs[((string)reference!).Split('/')[^1]], value);
                return;
            }
            // Only schemas that name their fields: metaData, summary and params are open bags of the customer's keys.
            if (value is JsonObject obj && schema["properties"] is JsonObject properties)
            {
                var keys = obj.Select(kv => kv.Key).ToHashSet();
                if (fields.TryGetValue(schema, out var known)) known.IntersectWith(keys);
                else fields[schema] = keys;
                foreach (var (key, child) in obj) Walk(properties[key], child);
            }
            else if (value is JsonArray array)
            {
                foreach (var item in array) Walk(schema["items"], item);
            }
        }
        foreach (var (file, schema) in Fixtures) Walk(defs[schema], JsonNode.Parse(Fixture(file)));
        return fields;
    }

    public static string ResponseName(string method, string path, int status) =>
        $"{method.ToLowerInvariant()}{path.Replace("/", "_").Replace("{", "").Replace("}", "")}_{status}";

    /// <summary>Errors of <paramref name="body"/> against a component schema (e.g. "Job") or a response name; empty when valid.</summary>
    public IReadOnlyList<string> Errors(string schemaName, string body)
    {
        Assert.Contains(schemaName, _names);
        var schema = JsonSchema.FromText($"{{\"$ref\":\"{BaseUri}#/$defs/{schemaName}\"}}");
        // Deeper than the parser's default of 64: metaData is the customer's, and nothing in the spec bounds its depth.
        var result = schema.Evaluate(JsonNode.Parse(body, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 1024 }), _options);
        if (result.IsValid) return [];
        var errors = new List<string>();
        void Walk(EvaluationResults r)
        {
            if (r.Errors is { } e)
                foreach (var (k, v) in e) errors.Add($"{r.InstanceLocation} [{k}] {v}");
            foreach (var d in r.Details) Walk(d);
        }
        Walk(result);
        return errors.Count > 0 ? errors : ["invalid (no details)"];
    }

    public void AssertValid(string schemaName, string body, string what)
    {
        var errors = Errors(schemaName, body);
        Assert.True(errors.Count == 0, $"{what} does not match {schemaName}:\n{string.Join("\n", errors.Take(10))}\n{Shorten(body)}");
    }

    private static string Shorten(string s) => s.Length > 600 ? s[..600] + "…" : s;

    /// <summary>The vendor's files, copied from the repository's spec/filecheck/ beside the test assembly.</summary>
    public static string SpecDir { get; } = Path.Combine(AppContext.BaseDirectory, "spec", "filecheck");
}
