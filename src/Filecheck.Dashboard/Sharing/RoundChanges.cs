using System.Text.Json;
using Filecheck.Dashboard.Shell;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// What changed between two rounds of a shared file, from both checks' findings: problems and warnings that are gone,
/// new ones, and fixes the check applied to the new file. Pure; stored with the round as JSON, shown in the customer's words.
/// </summary>
public sealed record RoundChanges(
    int FromRound, int ToRound, string? OutcomeBefore, string? OutcomeAfter,
    IReadOnlyList<string> Gone, IReadOnlyList<string> New, IReadOnlyList<string> Fixes)
{
    public static RoundChanges Between(FileReport before, FileReport after, int fromRound, int toRound)
    {
        var was = Problems(before).ToList();
        var now = Problems(after).ToList();
        // A finding is the same when its words are: a measured value that moved ("72 dpi" to "120 dpi") reads as gone and new.
        var gone = was.Where(w => !now.Contains(w, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var added = now.Where(n => !was.Contains(n, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var fixes = after.Findings.Where(f => f.Kind == FindingKind.Fixed).Select(f => f.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new RoundChanges(fromRound, toRound, before.Outcome, after.Outcome, gone, added, fixes);
    }

    /// <summary>The list the customer reads: the result, then what is solved, what is new, what the check corrected.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        var (was, _) = SharePageModel.ResultOf(OutcomeBefore);
        var (now, _) = SharePageModel.ResultOf(OutcomeAfter);
        lines.Add(was == now ? $"The result is {now}, as in round {FromRound}." : $"The result was {was} in round {FromRound}; it is {now} now.");
        lines.AddRange(Gone.Select(g => $"Solved: {g}"));
        lines.AddRange(New.Select(n => $"New in round {ToRound}: {n}"));
        lines.AddRange(Fixes.Select(f => $"Corrected automatically: {WithoutFixedPrefix(f)}"));
        if (Gone.Count == 0 && New.Count == 0 && Fixes.Count == 0) lines.Add($"The check found the same as in round {FromRound}.");
        return lines;
    }

    /// <summary>The check's own "Fixed automatically: ..." would say it twice after our words.</summary>
    private static string WithoutFixedPrefix(string text) =>
        text.StartsWith("Fixed automatically:", StringComparison.OrdinalIgnoreCase) ? text["Fixed automatically:".Length..].TrimStart() : text;

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The stored summary, or null when there is none or it cannot be read (the page then says nothing about it).</summary>
    public static RoundChanges? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize<RoundChanges>(json); }
        catch (JsonException) { return null; }
    }

    private static IEnumerable<string> Problems(FileReport report) =>
        report.Findings.Where(f => f.Kind is FindingKind.Problem or FindingKind.Warning).Select(f => f.Text);
}
