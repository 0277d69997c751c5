using System.Globalization;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Sharing;

/// <summary>A file the share dialog offers, and whether it is ticked.</summary>
public sealed class ShareCandidate(string jobId, string taskId, string name, int proofCount, string? outcome)
{
    public string JobId { get; } = jobId;
    public string TaskId { get; } = taskId;
    public string Name { get; } = name;
    public int ProofCount { get; } = proofCount;
    public string? Outcome { get; } = outcome;
    public bool Selected { get; set; }
}

/// <summary>The share dialog's state and rules, without rendering: defaults, the request it makes, the message to paste.</summary>
public sealed class ShareDraft
{
    public ShareDraft(IEnumerable<(string JobId, RunsResponse Runs)> jobs, int maxDays, string? orderId = null)
    {
        Candidates = jobs.SelectMany(j => j.Runs.Runs.Select(r => new ShareCandidate(j.JobId, r.Id, r.DisplayName, r.Proofs.Count, r.Outcome)))
            .ToList();
        // By default every file with a proof; a job without any proof offers its files unticked.
        foreach (var c in Candidates) c.Selected = c.ProofCount > 0;
        ExpiryChoices = ShareLimits.ExpiryChoicesWithin(maxDays);
        ExpiryDays = ExpiryChoices.Contains(7) ? 7 : ExpiryChoices.Max();
        OrderId = orderId;
    }

    public IReadOnlyList<ShareCandidate> Candidates { get; }
    public IReadOnlyList<int> ExpiryChoices { get; }
    public int ExpiryDays { get; set; }
    public bool AllowDownloads { get; set; }
    public bool AskApproval { get; set; } = true;
    /// <summary>Off by default: the customer may send a corrected file from the link.</summary>
    public bool AllowUploads { get; set; }
    public string? Note { get; set; }
    public string? RecipientName { get; set; }
    public string? RecipientEmail { get; set; }
    public string? OrderId { get; }

    public int SelectedCount => Candidates.Count(c => c.Selected);

    public ShareRequest ToRequest() => new()
    {
        Files = Candidates.Where(c => c.Selected).Select(c => new ShareFile(c.JobId, c.TaskId, c.Name)).ToList(),
        ExpiryDays = ExpiryDays,
        AllowDownloads = AllowDownloads,
        AskApproval = AskApproval,
        AllowUploads = AllowUploads,
        Note = Note,
        RecipientName = RecipientName,
        RecipientEmail = RecipientEmail,
        OrderId = OrderId,
    };

    /// <summary>A message to paste into an email: the link, what it shows, until when.</summary>
    public string Message(string link, DateTimeOffset expiresAt)
    {
        var files = Candidates.Where(c => c.Selected).Select(c => c.Name).ToList();
        var what = files.Count switch
        {
            1 => "is the proof of " + files[0],
            <= 3 => "are the proofs of " + string.Join(", ", files[..^1]) + " and " + files[^1],
            _ => $"are the proofs of {files.Count} files",
        };
        var greeting = string.IsNullOrWhiteSpace(RecipientName) ? "Hello," : $"Hello {RecipientName.Trim()},";
        var ask = AskApproval ? " Please look at each file and approve it, or tell us what should change." : "";
        var downloads = AllowDownloads ? " You can also download the files." : "";
        var uploads = AllowUploads ? " You can send a corrected file from the same page." : "";
        return $"{greeting}\n\nHere {what}: {link}\n\n{ask.TrimStart()}{downloads}{uploads}".TrimEnd()
            + $"\n\nThe link works until {expiresAt.UtcDateTime.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture)} UTC.";
    }
}

public static class OrderShare
{
    /// <summary>
    /// The order an answer of the search is about, when every job it found is of that one order and all are on the page;
    /// otherwise null (a share of part of an order would mislead).
    /// </summary>
    public static string? OrderOf(string query, IReadOnlyList<(string JobId, string? OrderId)> hits, int total)
    {
        if (hits.Count == 0 || hits.Count != total) return null;
        var order = hits[0].OrderId;
        return order is not null && order.Equals(query.Trim(), StringComparison.OrdinalIgnoreCase)
            && hits.All(h => string.Equals(h.OrderId, order, StringComparison.Ordinal)) ? order : null;
    }
}
