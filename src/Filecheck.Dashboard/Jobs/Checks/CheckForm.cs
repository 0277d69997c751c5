using System.Text.Json.Nodes;
using Filecheck.Api.Models;

namespace Filecheck.Dashboard.Jobs.Checks;

public enum CheckSource
{
    /// <summary>A file sent from the browser.</summary>
    Upload,
    /// <summary>The original file of an earlier job again: its upload (<c>fileRef</c>) or its URL.</summary>
    Original,
    /// <summary>A file Filecheck fetches from a URL.</summary>
    Url,
}

/// <summary>
/// What a person asks to run, as the "New check" page holds it. <see cref="Build"/> turns it into the canonical
/// <c>POST /jobs</c> body or says, in words, what is missing: nothing is sent until it is whole.
/// </summary>
public sealed class CheckForm
{
    public const int MaxNoteLength = 500;

    public CheckSource Source { get; set; } = CheckSource.Upload;
    public string? Url { get; set; }
    /// <summary>The upload's or the original's <c>fileRef</c>.</summary>
    public string? FileRef { get; set; }
    public string? FileName { get; set; }

    public bool Preflight { get; set; } = true;
    public string? ProfileId { get; set; }
    /// <summary>Autofix, then preflight again to see what is left.</summary>
    public bool Autofix { get; set; }
    public bool Validate { get; set; }
    public string ValidationCode { get; set; } = "auto";
    public bool Previews { get; set; } = true;

    public string? Note { get; set; }
    public bool Confirmed { get; set; }

    /// <summary>Carried from the job checked again, so the new job appears under the same order and customer.</summary>
    public string? OrderId { get; set; }
    public string? CustomerId { get; set; }
    public string? RuleId { get; set; }
    public string? OriginalJobId { get; set; }
    public string? OriginalTaskId { get; set; }

    public IReadOnlyList<JobStepRequest> Steps()
    {
        var steps = new List<JobStepRequest>();
        if (Preflight) steps.Add(JobStepRequest.Preflight(Blank(ProfileId)));
        if (Autofix)
        {
            steps.Add(JobStepRequest.Autofix());
            steps.Add(JobStepRequest.Repreflight(Blank(ProfileId)));
        }
        if (Validate) steps.Add(JobStepRequest.Validate(ValidationCode));
        if (Previews) steps.Add(JobStepRequest.Previews());
        return steps;
    }

    /// <summary>The problems a person must fix before submitting; empty when the form is whole. The upload itself is checked apart.</summary>
    public IReadOnlyList<string> Problems(bool fileChosen)
    {
        var problems = new List<string>();
        switch (Source)
        {
            case CheckSource.Upload when !fileChosen && string.IsNullOrEmpty(FileRef):
                problems.Add("Choose a file to upload.");
                break;
            case CheckSource.Original when string.IsNullOrEmpty(FileRef) && string.IsNullOrEmpty(Url):
                problems.Add("The original file cannot be sent again: Filecheck keeps neither its upload nor its address. Upload the file instead.");
                break;
            case CheckSource.Url when !IsHttpUrl(Url):
                problems.Add("Enter the file's address, starting with https:// or http://.");
                break;
        }
        if (!Preflight && !Autofix && !Validate && !Previews) problems.Add("Choose at least one thing to run.");
        if (Validate && !JobStepRequest.ValidationCodes.Contains(ValidationCode)) problems.Add($"'{ValidationCode}' is not a PDF/A or PDF/UA code Filecheck knows.");
        if (string.IsNullOrWhiteSpace(Note)) problems.Add("Say in a few words why this check is run (it is kept with your name).");
        else if (Note.Length > MaxNoteLength) problems.Add($"Keep the note under {MaxNoteLength} characters.");
        if (!Confirmed) problems.Add("Confirm that the check runs on the Filecheck account and may be billed.");
        return problems;
    }

    /// <summary>The request, once <see cref="Problems"/> is empty and any upload has given its <paramref name="fileRef"/>.</summary>
    public CreateJobRequest Build(string? fileRef, string requestedBy)
    {
        var source = Source switch
        {
            CheckSource.Url => new JobSourceRequest { Url = Url!.Trim(), Name = Blank(FileName), Steps = Steps() },
            CheckSource.Original when string.IsNullOrEmpty(FileRef) => new JobSourceRequest { Url = Url, Name = Blank(FileName), Steps = Steps() },
            _ => new JobSourceRequest { FileRef = fileRef ?? FileRef, Name = Blank(FileName), Steps = Steps() },
        };
        var meta = new JsonObject
        {
            ["dashboard"] = new JsonObject
            {
                ["requestedBy"] = requestedBy,
                ["note"] = Note!.Trim(),
            },
        };
        if (OriginalJobId is not null)
        {
            meta["dashboard"]!["recheckOf"] = OriginalJobId;
            if (OriginalTaskId is not null) meta["dashboard"]!["recheckFile"] = OriginalTaskId;
        }
        return new CreateJobRequest
        {
            Sources = [source],
            OrderId = Blank(OrderId),
            CustomerId = Blank(CustomerId),
            RuleId = Blank(RuleId),
            MetaData = meta,
        };
    }

    /// <summary>"preflight(profile) → autofix → …", for the confirmation and the audit.</summary>
    public string Describe() =>
        string.Join(" → ", Steps().Select(s => s.Type + (s.Params is { } p && p.Count > 0 ? $" ({string.Join(", ", p.Select(kv => kv.Value is JsonArray a ? string.Join("/", a) : kv.Value?.ToString()))})" : "")));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool IsHttpUrl(string? s) =>
        Uri.TryCreate(s?.Trim(), UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && !string.IsNullOrEmpty(u.Host);
}
