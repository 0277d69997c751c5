using System.Text.RegularExpressions;

namespace Filecheck.Api;

/// <summary>A validated Filecheck job ID (<c>job_</c> + letters, digits, underscores). Safe to put in a URL path.</summary>
public readonly partial record struct JobId
{
    public const int MaxTextLength = 2048;
    public const int MaxIdBodyLength = 100;

    internal const string EmptyMessage = "Enter a job ID such as job_01jf… or a link that contains one.";
    internal const string TooLongMessage = "That is too long to be a job ID.";
    internal const string BadCharactersMessage = "A job ID has only letters, digits and underscores after job_.";
    internal const string ControlMessage = "That text contains hidden control characters. Paste just the job ID or the link.";
    internal const string NonAsciiMessage =
        "That text contains a character that only looks like a plain letter (for example a Cyrillic or full-width letter). Copy the job ID again from Filecheck.";
    internal const string TraversalMessage = "That looks like a file path, not a job ID. Paste just the job ID or a link that contains one.";
    internal const string EncodedMessage = "A job ID is never percent-encoded (%…). Paste the ID as Filecheck shows it.";
    internal const string QueryMessage = "Paste the job ID on its own, without ?, & or # after it, or paste the whole link.";
    internal const string SchemeMessage = "Only http:// and https:// links are accepted.";
    internal const string NoIdInLinkMessage = "That link does not contain a job ID (job_…).";
    internal const string TwoIdsMessage = "That text holds more than one job ID. Paste just one.";
    internal const string PrefixMessage = "A job ID starts with job_ (lower case), for example job_01jf….";
    internal const string EmptyBodyMessage = "A job ID has at least one letter or digit after job_.";

    private JobId(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    [GeneratedRegex("^job_[A-Za-z0-9_]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();

    // A host without a scheme, as people paste from the address bar: admin.filecheck.io/jobs/job_x
    [GeneratedRegex(@"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?/", RegexOptions.CultureInvariant)]
    private static partial Regex HostPrefix();

    /// <summary>True when <paramref name="value"/> is exactly a job ID (no surrounding text).</summary>
    public static bool IsExactId(string? value) => value is not null && IdPattern().IsMatch(value);

    /// <summary>Accepts a bare ID or text holding one (an admin or API URL, surrounding spaces); rejects anything else with a reason.</summary>
    public static bool TryParse(string? text, out JobId id, out string? error)
    {
        id = default;
        error = Validate(text, out var value);
        if (error is not null)
        {
            return false;
        }

        id = new JobId(value!);
        return true;
    }

    /// <summary>For IDs that came from the API itself (trusted shape); throws on a malformed value.</summary>
    public static JobId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    private static string? Validate(string? text, out string? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return EmptyMessage;
        }

        if (text.Length > MaxTextLength)
        {
            return TooLongMessage;
        }

        var trimmed = text.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsControl(c))
            {
                return ControlMessage;
            }
        }

        foreach (var c in trimmed)
        {
            if (c > '\u007e')
            {
                return NonAsciiMessage;
            }
        }

        // Several words: accept when exactly one of them is (or holds) an ID and no other word even mentions one.
        var tokens = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 1)
        {
            return ParseToken(tokens[0], out value);
        }

        string? found = null;
        string? firstError = null;
        foreach (var token in tokens)
        {
            var tokenError = ParseToken(token, out var tokenValue);
            if (tokenError is null)
            {
                if (found is not null && !string.Equals(found, tokenValue, StringComparison.Ordinal))
                {
                    return TwoIdsMessage;
                }

                found = tokenValue;
            }
            else if (token.Contains("job_", StringComparison.OrdinalIgnoreCase) || token.Contains("..", StringComparison.Ordinal)
                     || token.Contains('%') || SchemePrefix().IsMatch(token))
            {
                // A word that tried to be an ID or a link and failed: say why rather than guessing.
                firstError ??= tokenError;
            }
        }

        if (firstError is not null)
        {
            return firstError;
        }

        if (found is null)
        {
            return EmptyMessage;
        }

        value = found;
        return null;
    }

    private static string? ParseToken(string token, out string? value)
    {
        value = null;
        if (IdPattern().IsMatch(token))
        {
            value = token;
            return null;
        }

        if (SchemePrefix().IsMatch(token))
        {
            return ParseUrl(token, out value);
        }

        if (HostPrefix().IsMatch(token))
        {
            return ParseUrl("https://" + token, out value);
        }

        return DescribeBareFailure(token);
    }

    private static string DescribeBareFailure(string token)
    {
        if (token.Contains('%'))
        {
            return EncodedMessage;
        }

        if (token.Contains("..", StringComparison.Ordinal))
        {
            return TraversalMessage;
        }

        if (token.Contains('/') || token.Contains('\\'))
        {
            return TraversalMessage;
        }

        if (token.IndexOfAny(['?', '&', '#', '=']) >= 0)
        {
            return QueryMessage;
        }

        if (!token.StartsWith("job_", StringComparison.Ordinal))
        {
            return token.StartsWith("job_", StringComparison.OrdinalIgnoreCase) ? PrefixMessage : EmptyMessage;
        }

        var body = token.AsSpan(4);
        if (body.Length == 0)
        {
            return EmptyBodyMessage;
        }

        if (body.Length > MaxIdBodyLength)
        {
            return TooLongMessage;
        }

        return BadCharactersMessage;
    }

    private static string? ParseUrl(string text, out string? value)
    {
        value = null;
        var scheme = text[..text.IndexOf(':')];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return SchemeMessage;
        }

        if (!text.AsSpan(scheme.Length).StartsWith("://", StringComparison.Ordinal)
            || text.Contains('\\')
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || string.IsNullOrEmpty(uri.Host))
        {
            return "That link is not a valid web address.";
        }

        // Work on the raw text: System.Uri unescapes and normalises, which would hide what was pasted.
        var rest = text[(scheme.Length + 3)..];
        var fragmentAt = rest.IndexOf('#');
        var fragment = fragmentAt >= 0 ? rest[(fragmentAt + 1)..] : "";
        if (fragmentAt >= 0)
        {
            rest = rest[..fragmentAt];
        }

        var queryAt = rest.IndexOf('?');
        var query = queryAt >= 0 ? rest[(queryAt + 1)..] : "";
        if (queryAt >= 0)
        {
            rest = rest[..queryAt];
        }

        var pathAt = rest.IndexOf('/');
        var path = pathAt >= 0 ? rest[pathAt..] : "";

        if (path.Contains('%'))
        {
            return EncodedMessage;
        }

        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is "." or "..")
            {
                return TraversalMessage;
            }

            AddIfId(segment, candidates);
        }

        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var partValue = equals >= 0 ? part[(equals + 1)..] : part;
            if (SmugglesAnId(partValue))
            {
                return EncodedMessage;
            }

            AddIfId(partValue, candidates);
        }

        // Single-page admin apps put their route in the fragment: #/jobs/job_x
        foreach (var piece in fragment.Split(['/', '?', '&', '='], StringSplitOptions.RemoveEmptyEntries))
        {
            if (piece is "." or "..")
            {
                return TraversalMessage;
            }

            if (SmugglesAnId(piece))
            {
                return EncodedMessage;
            }

            AddIfId(piece, candidates);
        }

        // Dot-dot anywhere else (query, fragment) is not an ID either; a link to paste never needs it.
        if (text.Contains("..", StringComparison.Ordinal))
        {
            return TraversalMessage;
        }

        return candidates.Count switch
        {
            0 => NoIdInLinkMessage,
            1 => SetValue(candidates.First(), out value),
            _ => TwoIdsMessage,
        };
    }

    private static string? SetValue(string candidate, out string? value)
    {
        value = candidate;
        return null;
    }

    private static void AddIfId(string piece, HashSet<string> candidates)
    {
        if (IdPattern().IsMatch(piece))
        {
            candidates.Add(piece);
        }
    }

    // An encoded value that decodes to something ID-like or path-like is an attempt to slip past the exact match.
    private static bool SmugglesAnId(string piece)
    {
        if (!piece.Contains('%'))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(piece);
        }
        catch (UriFormatException)
        {
            return true;
        }

        return decoded.Contains("job", StringComparison.OrdinalIgnoreCase)
               || decoded.Contains('/') || decoded.Contains('\\') || decoded.Contains("..", StringComparison.Ordinal);
    }
}
