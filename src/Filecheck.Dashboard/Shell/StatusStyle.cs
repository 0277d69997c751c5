using Filecheck.Api.Models;
using MudBlazor;

namespace Filecheck.Dashboard.Shell;

/// <summary>Word, colour and icon for a status or outcome: never colour alone. Unknown values render as themselves.</summary>
public sealed record ChipStyle(string Label, Color Color, string Icon, string? Raw);

public static class StatusStyle
{
    public static ChipStyle ForStatus(string? status) => status switch
    {
        null or "" => new("Unknown", Color.Default, Icons.Material.Outlined.HelpOutline, null),
        JobStatus.Pending => new("Pending", Color.Default, Icons.Material.Outlined.Schedule, status),
        JobStatus.Running => new("Running", Color.Info, Icons.Material.Filled.Autorenew, status),
        JobStatus.Done => new("Done", Color.Primary, Icons.Material.Filled.Done, status),
        JobStatus.Skipped => new("Skipped", Color.Default, Icons.Material.Filled.SkipNext, status),
        JobStatus.Error => new("Error", Color.Error, Icons.Material.Filled.ErrorOutline, status),
        _ => Unknown(status),
    };

    public static ChipStyle ForOutcome(string? outcome) => outcome switch
    {
        null or "" => new(Outcome.Label(outcome), Color.Default, Icons.Material.Outlined.HourglassEmpty, null),
        Outcome.Pass => new(Outcome.Label(outcome), Color.Success, Icons.Material.Filled.CheckCircle, outcome),
        Outcome.Unchanged => new(Outcome.Label(outcome), Color.Success, Icons.Material.Filled.CheckCircleOutline, outcome),
        Outcome.Fixed => new(Outcome.Label(outcome), Color.Info, Icons.Material.Filled.AutoFixHigh, outcome),
        Outcome.Warn => new(Outcome.Label(outcome), Color.Warning, Icons.Material.Filled.WarningAmber, outcome),
        Outcome.Fail => new(Outcome.Label(outcome), Color.Error, Icons.Material.Filled.Cancel, outcome),
        Outcome.Mixed => new(Outcome.Label(outcome), Color.Warning, Icons.Material.Filled.CallSplit, outcome),
        Outcome.NotApplicable => new(Outcome.Label(outcome), Color.Default, Icons.Material.Filled.RemoveCircleOutline, outcome),
        _ => Unknown(outcome),
    };

    /// <summary>The longest unknown word a chip shows; the whole value stays in its data-value and tooltip.</summary>
    public const int MaxWordLength = 40;

    // An unknown word is shown as itself, shortened: a chip does not wrap, and an answer's "status" can be 10 KB.
    private static ChipStyle Unknown(string value)
    {
        var word = Shorten(value);
        return new(word, Color.Default, Icons.Material.Outlined.HelpOutline, word);
    }

    public static string Shorten(string value)
    {
        if (value.Length <= MaxWordLength) return value;
        var cut = MaxWordLength - 1;
        // Never between the halves of a surrogate pair (an emoji).
        if (char.IsHighSurrogate(value[cut - 1])) cut--;
        return value[..cut] + "…";
    }
}
