using System.Text.RegularExpressions;

namespace Filecheck.Dashboard.Shell;

/// <summary>What the lookup box accepts besides a job ID: an order ID, a customer ID or an email to search for.</summary>
public static partial class LookupText
{
    /// <summary>3-254 characters of letters, digits and <c>@ . _ - +</c>; nothing that looks like a job ID, a path or a URL.</summary>
    public static bool IsSearchTerm(string? text)
    {
        var t = text?.Trim();
        return t is { Length: >= 3 and <= 254 }
            && !t.Contains("job_", StringComparison.OrdinalIgnoreCase)
            && SearchTerm().IsMatch(t);
    }

    [GeneratedRegex(@"^[A-Za-z0-9@._+\-]+$")]
    private static partial Regex SearchTerm();
}
