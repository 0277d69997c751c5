using System.Text.Json;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs.Steps;

public sealed record ReportSummary(int? Errors, int? Warnings);

public sealed record Finding(string Title, string? Severity, string? Message, string? Fix, int? Page, bool? AutoFixAvailable);

public sealed record ValidateProfileRow(
    string? Profile, string? ProfileName, bool? Compliant,
    int? PassedChecks, int? FailedChecks, int? PassedRules, int? FailedRules,
    IReadOnlyList<string> FailedRuleDetails);

/// <summary>A step's outputs made readable: preflight report summary and findings, validate results. Tolerant of shapes it does not know.</summary>
public sealed record StepReport(
    ReportSummary? Summary,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<ValidateProfileRow> Validate,
    IReadOnlyList<string> OtherOutputs)
{
    public static StepReport Read(Step step, PreflightResult? preflightResult = null)
    {
        ReportSummary? summary = null;
        var findings = new List<Finding>();
        var validate = new List<ValidateProfileRow>();
        var others = new List<string>();

        foreach (var output in step.Outputs ?? [])
        {
            switch (output.Kind)
            {
                case "report":
                    if (output.Body is { ValueKind: JsonValueKind.Object } body)
                    {
                        if (body.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.Object)
                            summary = new ReportSummary(Int(s, "errors"), Int(s, "warnings"));
                        if (body.TryGetProperty("findings", out var f)) findings.AddRange(ReadFindings(f));
                    }
                    break;
                case "validate":
                    if (output.Result is { ValueKind: JsonValueKind.Object } result
                        && result.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
                    {
                        validate.AddRange(results.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object).Select(ReadValidate));
                    }
                    break;
                default:
                    others.Add(output.Kind ?? "output");
                    break;
            }
        }

        // The job-level preflight report (terminal jobs) carries the evaluation when the step output has no findings.
        if (findings.Count == 0 && step.Type is "preflight" or "repreflight"
            && preflightResult?.Report is { ValueKind: JsonValueKind.Object } report
            && report.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind == JsonValueKind.Object)
        {
            if (evaluation.TryGetProperty("findings", out var f)) findings.AddRange(ReadFindings(f));
            if (summary is null && evaluation.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.Object)
                summary = new ReportSummary(Int(s, "fail"), Int(s, "warn"));
        }

        return new StepReport(summary, findings, validate, others);
    }

    private static IEnumerable<Finding> ReadFindings(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array) yield break;
        foreach (var f in array.EnumerateArray())
        {
            if (f.ValueKind != JsonValueKind.Object) continue;
            var title = Str(f, "check") ?? Str(f, "ruleId") ?? "finding";
            bool? autofix = f.TryGetProperty("autofix", out var a) && a.ValueKind == JsonValueKind.Object
                && a.TryGetProperty("available", out var av) && av.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? av.GetBoolean() : null;
            yield return new Finding(title, Str(f, "severity"), Str(f, "message"), Str(f, "fix"), Int(f, "page"), autofix);
        }
    }

    private static ValidateProfileRow ReadValidate(JsonElement r)
    {
        var details = new List<string>();
        if (r.TryGetProperty("failedRuleDetails", out var d) && d.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in d.EnumerateArray())
            {
                details.Add(item.ValueKind switch
                {
                    JsonValueKind.String => item.GetString()!,
                    JsonValueKind.Object => Str(item, "description") ?? Str(item, "message") ?? Str(item, "rule") ?? item.GetRawText(),
                    _ => item.GetRawText(),
                });
            }
        }
        bool? compliant = r.TryGetProperty("compliant", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False ? c.GetBoolean() : null;
        return new ValidateProfileRow(Str(r, "profile"), Str(r, "profileName"), compliant,
            Int(r, "passedChecks"), Int(r, "failedChecks"), Int(r, "passedRules"), Int(r, "failedRules"), details);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
}
