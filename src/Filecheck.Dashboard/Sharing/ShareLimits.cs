using System.Net.Mail;

namespace Filecheck.Dashboard.Sharing;

/// <summary>Bounds on every input of the sharing feature, checked in one place, worded for a person.</summary>
public static class ShareLimits
{
    public const int MaxFiles = 500;
    public const int MaxNote = 2000;
    public const int MaxName = 200;
    public const int MaxEmail = 254;
    public const int MaxDecisionNote = 2000;
    /// <summary>A comment on a proof, and customer success's answer to it.</summary>
    public const int MaxComment = 1000;
    /// <summary>Comments on one round of one file: enough for any proof, bounded for a link anyone holding it can post to.</summary>
    public const int MaxCommentsPerRound = 100;
    /// <summary>Proofs one comment may point at (a file's proofs are numbered from 1).</summary>
    public const int MaxProofIndex = 500;
    public static readonly int[] ExpiryChoices = [1, 7, 30];

    /// <summary>The dialog's choices that fit the configured maximum (the maximum itself when none does).</summary>
    public static IReadOnlyList<int> ExpiryChoicesWithin(int maxDays)
    {
        var choices = ExpiryChoices.Where(d => d <= maxDays).ToList();
        return choices.Count == 0 ? [maxDays] : choices;
    }

    public static string? CheckRequest(ShareRequest r, int maxDays)
    {
        if (r.Files.Count == 0) return "Choose at least one file to share.";
        if (r.Files.Count > MaxFiles) return $"A link can show at most {MaxFiles} files.";
        if (r.Files.Any(f => string.IsNullOrWhiteSpace(f.JobId) || string.IsNullOrWhiteSpace(f.TaskId))) return "Every shared file needs its job and file.";
        if (r.Files.DistinctBy(f => (f.JobId, f.TaskId)).Count() != r.Files.Count) return "A file is listed twice.";
        if (r.ExpiryDays < 1) return "Choose when the link expires: links always expire.";
        if (r.ExpiryDays > maxDays) return $"A link can live at most {maxDays} days.";
        if (r.Note?.Length > MaxNote) return $"The note is too long ({r.Note.Length} characters; at most {MaxNote}).";
        if (r.RecipientName?.Length > MaxName) return $"The recipient's name is too long (at most {MaxName} characters).";
        if (!string.IsNullOrWhiteSpace(r.RecipientEmail) && !IsEmail(r.RecipientEmail)) return "The recipient's email does not look like an email address.";
        return null;
    }

    public static bool IsEmail(string text) =>
        text.Length <= MaxEmail && MailAddress.TryCreate(text.Trim(), out var address) && address.Address == text.Trim() && text.Contains('.');

    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
