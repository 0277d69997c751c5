using System.Text.Json;
using System.Text.RegularExpressions;
using Filecheck.Api.Models;

namespace Filecheck.Sandbox.Generation;

/// <summary>One documented preflight check (from the vendor's preflight-checks.json).</summary>
internal sealed record PreflightCheck(
    string Section, string Name, string Action, string Issue, string Fix, string? AutoFix)
{
    public string SectionId { get; } = Slug(Section);
    public string RuleId { get; } = Slug(Name);
    public bool IsRaster => Section == "Raster Checks";
    public bool AutoFixable => AutoFix is not null || Action.Contains("auto-fix", StringComparison.OrdinalIgnoreCase);
    /// <summary>reject, warn, or autofix (flagged and fixed when the chain has an autofix step); null when off by default.</summary>
    public string? Severity =>
        Action.StartsWith("Reject", StringComparison.Ordinal) ? "reject"
        : Action.StartsWith("Warn", StringComparison.Ordinal) ? "warn"
        : Action.StartsWith("Auto-fix", StringComparison.Ordinal) ? "autofix"
        : null;

    internal static string Slug(string s) =>
        Regex.Replace(s.ToLowerInvariant().Replace("&", " "), "[^a-z0-9]+", "_").Trim('_');
}

internal sealed record WorkflowDef(
    string Id, string Name, string? RuleId, string ProfileId, string[] Chain, string[] Files, bool StoreChannel,
    double Weight, string? ValidateProfile = null, double CleanShare = 0.5);

/// <summary>The fixed vocabulary the generator draws from: workflows, rules, profiles, file names, checks.</summary>
internal static class Catalog
{
    public static IReadOnlyList<PreflightCheck> Checks { get; } = LoadChecks();

    public static PreflightCheck Check(string name) =>
        Checks.FirstOrDefault(c => c.Name == name) ?? throw new InvalidOperationException("No check " + name);

    public static IReadOnlyList<WorkflowDef> Workflows { get; } =
    [
        new("wf_business_cards", "Business cards", "rule_business_cards", "preflight_standard_cards",
            ["preflight", "autofix", "repreflight", "previews", "proof"],
            ["business-card-front.pdf", "business-card-back.pdf", "bc_final.pdf", "visitenkarte.pdf", "card-design-v2.pdf", "business-card.pdf"],
            true, 3.0),
        new("wf_flyers", "Flyers & leaflets", "rule_flyers_a5", "preflight_standard_flyers",
            ["preflight", "autofix", "repreflight", "previews"],
            ["flyer_A5_v3.pdf", "flyer-A4-summer-sale.pdf", "leaflet_DL_print.pdf", "menu-takeaway.pdf", "flyer_front.png", "flyer_back.png"],
            true, 2.5, CleanShare: 0.75), // mostly clean, so the story's rule change shows as a clear fall
        new("wf_posters", "Posters", "rule_posters", "profile_large_format_raster",
            ["preflight", "previews", "proof"],
            ["poster-final.tif", "poster_A2_concert.pdf", "event-poster.jpg", "poster-A1-print.tif", "exhibition_poster.pdf"],
            true, 1.5),
        new("wf_books", "Books & brochures", "rule_books_softcover", "preflight_standard_books",
            ["preflight", "validate", "previews"],
            ["book-interior.pdf", "cover-softcover.pdf", "brochure-8pp.pdf", "catalogue_2026.pdf", "manual.docx"],
            true, 1.2, "x4"),
        new("wf_stickers", "Stickers & labels", "rule_stickers", "profile_stickers_cutcontour",
            ["preflight", "autofix", "previews", "proof"],
            ["sticker-round-50mm.pdf", "label_sheet.pdf", "logo.svg", "die-cut-sticker.png", "product-label.eps"],
            true, 1.0),
        new("wf_banners", "Banners & roll-ups", "rule_banners_vinyl", "profile_large_format_raster",
            ["preflight", "optimize", "previews"],
            ["banner-3x1m.pdf", "rollup-banner-85x200.pdf", "banner_photo.jpg", "mesh-banner.pdf"],
            true, 0.8),
        new("wf_photo_prints", "Photo prints", "rule_photo_prints", "profile_photo_raster",
            ["preflight", "autofix", "repreflight", "proof"],
            ["IMG_4821.jpg", "holiday-photo.png", "portrait.tiff", "DSC00912.jpg", "wedding-01.jpg"],
            true, 1.0),
        new("wf_pdfx_check", "PDF/X conformance check", null, "preflight_standard_pdfx",
            ["validate"],
            ["print-ready.pdf", "artwork_x4.pdf", "press-file.pdf"],
            false, 0.6, "x4"),
    ];

    /// <summary>Chains an API caller without a workflow submits.</summary>
    public static IReadOnlyList<string[]> ApiChains { get; } =
    [
        ["preflight"],
        ["preflight"],
        ["preflight", "autofix", "repreflight"],
        ["validate"],
        ["optimize"],
        ["preflight", "previews"],
    ];

    public static IReadOnlyList<string> ApiFiles { get; } =
        ["artwork.pdf", "upload-1234.pdf", "design.pdf", "print-ready.pdf", "file.eps", "presentation.pptx", "scan_0042.tif", "cover.png"];

    public static IReadOnlyList<LibraryItem> WorkflowItems { get; } = Workflows
        .Select(w => new LibraryItem
        {
            Id = w.Id, Name = w.Name, Enabled = true, Source = w.StoreChannel ? "domain" : "store",
            Description = string.Join(" → ", w.Chain),
        })
        .Append(new LibraryItem
        {
            Id = "wf_legacy_letterheads", Name = "Letterheads (legacy)", Enabled = false, Source = "domain",
            Description = "preflight",
        })
        .ToArray();

    public static IReadOnlyList<LibraryItem> RuleItems { get; } =
    [
        new() { Id = "rule_business_cards", Name = "Business cards 85×55 mm, 3 mm bleed", Enabled = true, Source = "domain" },
        new() { Id = "rule_flyers_a5", Name = "Flyers A5/A4/DL", Enabled = true, Source = "domain" },
        new() { Id = "rule_posters", Name = "Posters A2–A0", Enabled = true, Source = "domain" },
        new() { Id = "rule_books_softcover", Name = "Softcover books 8–400 pages", Enabled = true, Source = "domain" },
        new() { Id = "rule_stickers", Name = "Stickers with cut contour", Enabled = true, Source = "domain" },
        new() { Id = "rule_banners_vinyl", Name = "Vinyl banners", Enabled = true, Source = "store" },
        new() { Id = "rule_photo_prints", Name = "Photo prints", Enabled = true, Source = "store" },
        new() { Id = "rule_letterheads", Name = "Letterheads A4", Enabled = false, Source = "domain" },
    ];

    public static IReadOnlyList<LibraryItem> ProfileItems { get; } =
    [
        new() { Id = "default", Name = "Default", Enabled = true, Source = "store", Kind = "pdf" },
        new() { Id = "preflight_standard_cards", Name = "Standard: business cards", Enabled = true, Source = "store", Kind = "pdf" },
        new() { Id = "preflight_standard_flyers", Name = "Standard: flyers", Enabled = true, Source = "store", Kind = "pdf" },
        new() { Id = "preflight_standard_books", Name = "Standard: books", Enabled = true, Source = "store", Kind = "pdf" },
        new() { Id = "preflight_standard_pdfx", Name = "Standard: PDF/X-4", Enabled = true, Source = "store", Kind = "pdf" },
        new() { Id = "profile_large_format_raster", Name = "Large format (raster)", Enabled = true, Source = "domain", Kind = "raster" },
        new() { Id = "profile_photo_raster", Name = "Photo prints (raster)", Enabled = true, Source = "domain", Kind = "raster" },
        new() { Id = "profile_stickers_cutcontour", Name = "Stickers with cut contour", Enabled = true, Source = "domain", Kind = "pdf" },
    ];

    public static IReadOnlyList<string> ErrorReasons { get; } =
    [
        "Source file could not be downloaded (HTTP 404)",
        "Source file could not be downloaded (HTTP 403)",
        "The file is password-protected and could not be opened",
        "The file is damaged and could not be parsed (broken xref table)",
        "Processing timed out after 300 s",
    ];

    public static (string FileType, string Mime) TypeOf(string fileName) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".pdf" => ("pdf", "application/pdf"),
            ".png" => ("raster", "image/png"),
            ".jpg" or ".jpeg" => ("raster", "image/jpeg"),
            ".tif" or ".tiff" => ("raster", "image/tiff"),
            ".svg" => ("vector", "image/svg+xml"),
            ".eps" or ".ai" => ("vector", "application/postscript"),
            ".docx" => ("office", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ".pptx" => ("office", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            _ => ("other", "application/octet-stream"),
        };

    private static IReadOnlyList<PreflightCheck> LoadChecks()
    {
        using var stream = typeof(Catalog).Assembly.GetManifestResourceStream("Filecheck.Sandbox.preflight-checks.json")
            ?? throw new InvalidOperationException("preflight-checks.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.GetProperty("checks").EnumerateArray()
            .Select(c => new PreflightCheck(
                c.GetProperty("section").GetString()!,
                c.GetProperty("check").GetString()!,
                c.GetProperty("action").GetString()!,
                c.GetProperty("issue").GetString()!,
                c.GetProperty("fix").GetString()!,
                c.TryGetProperty("auto_fix", out var af) ? af.GetString() : null))
            .ToArray();
    }
}
