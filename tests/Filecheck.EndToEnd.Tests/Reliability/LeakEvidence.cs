using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Filecheck.EndToEnd.Tests.Reliability;

public enum EvidenceKind
{
    /// <summary>A response's headers, as "name: value" lines (every Set-Cookie included).</summary>
    Headers,
    Body,
    /// <summary>The same, as the dashboard sent them (a copy taken in the test host's first middleware).</summary>
    ServerHeaders,
    ServerBody,
    /// <summary>The <c>Location</c> of a download redirect: the one place a presigned URL's signature may be.</summary>
    DownloadLocation,
    /// <summary>A file the browser downloaded (raw JSON, CSV).</summary>
    Download,
    Frame,
    Log,
    Database,
    /// <summary>The text (and blob) values of one column of one table of the history database, read through SQLite.</summary>
    DatabaseText,
}

/// <summary>
/// Everything a journey saw, kept per role and kind, then searched for the secret key (in every encoding a leak could take)
/// and for the signatures of the presigned URLs the dashboard received from the API.
/// </summary>
public sealed partial class LeakEvidence(string key)
{
    private readonly ConcurrentQueue<Item> _items = new();
    private readonly ConcurrentDictionary<string, byte> _signatures = new();
    private readonly ConcurrentDictionary<string, byte> _credentials = new();

    public string Key { get; } = key;

    /// <summary>Requests the dashboard sent upstream with this key as its Bearer token: proof that the key in use is the one searched for.</summary>
    public int KeyedUpstreamRequests;

    public int SignatureCount => _signatures.Count;

    /// <summary>S3 credentials (<c>X-Amz-Credential</c>) received or planted: searched as given and URL-encoded.</summary>
    public int CredentialCount => _credentials.Count;

    public void Add(string role, EvidenceKind kind, string where, byte[] bytes) => _items.Enqueue(new Item(role, kind, where, bytes));

    public void Add(string role, EvidenceKind kind, string where, string text) => Add(role, kind, where, Encoding.UTF8.GetBytes(text));

    /// <summary>Keeps every signature in a body the dashboard received from the API.</summary>
    public void AddSignaturesFrom(string upstreamBody)
    {
        foreach (Match m in SignatureParameter().Matches(upstreamBody)) _signatures.TryAdd(m.Groups[1].Value.ToLowerInvariant(), 0);
        foreach (Match m in CredentialParameter().Matches(upstreamBody)) AddCredential(Uri.UnescapeDataString(m.Groups[1].Value));
    }

    /// <summary>A signature the test itself put into a URL (a check from a signed address): searched like one received.</summary>
    public void AddSignature(string hex) => _signatures.TryAdd(hex.ToLowerInvariant(), 0);

    public void AddCredential(string credential) => _credentials.TryAdd(credential, 0);

    private readonly ConcurrentDictionary<string, byte> _typed = new();

    /// <summary>A value the test types into a form: it may be in what the browser sent and in SignalR's Debug trace of
    /// those frames (the person's own input on its way in), and is searched for everywhere else.</summary>
    public void AddTyped(string value) => _typed.TryAdd(value, 0);

    /// <summary>The browser's own frames and the hub dispatcher's trace of them: where typed input is expected.</summary>
    private static bool IsInputEcho(Item item) =>
        item.Kind == EvidenceKind.Frame && item.Where.StartsWith("sent", StringComparison.Ordinal)
        || item.Kind == EvidenceKind.Log && item.Where.EndsWith("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", StringComparison.Ordinal);

    /// <summary>The bytes to search for signatures: typed input masked out where it is an echo of the input.</summary>
    private byte[] SignatureBytes(Item item)
    {
        if (_typed.IsEmpty || !IsInputEcho(item)) return item.Bytes;
        var text = Encoding.UTF8.GetString(item.Bytes);
        foreach (var typed in _typed.Keys) text = text.Replace(typed, new string('*', typed.Length), StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }

    public IEnumerable<Item> Items(string? role = null, EvidenceKind? kind = null) =>
        _items.Where(i => (role is null || i.Role == role) && (kind is null || i.Kind == kind));

    /// <summary>The forms of the key searched for: as configured, its random part (which survives JSON, HTML and URL
    /// escaping unchanged), URL-encoded in both hex cases, and base64 (standard and URL-safe) at each of the three byte
    /// alignments it can take inside a longer encoded value.</summary>
    public IReadOnlyList<(string Form, byte[] Needle)> KeyForms { get; } = Forms(key);

    private static List<(string, byte[])> Forms(string key)
    {
        var forms = new List<(string, byte[])> { ("raw", Encoding.UTF8.GetBytes(key)) };
        var core = CoreOf(key);
        forms.Add(("random part", Encoding.UTF8.GetBytes(core)));
        var escaped = Uri.EscapeDataString(key);
        forms.Add(("URL-encoded", Encoding.UTF8.GetBytes(escaped)));
        forms.Add(("URL-encoded, lower-case hex", Encoding.UTF8.GetBytes(PercentHex().Replace(escaped, m => m.Value.ToLowerInvariant()))));
        var bytes = Encoding.UTF8.GetBytes(key);
        for (var align = 0; align < 3; align++)
        {
            var shifted = new byte[align + bytes.Length];
            bytes.CopyTo(shifted, align);
            var encoded = Convert.ToBase64String(shifted);
            // Only the characters made of the key's bits alone: the same whatever came before or after it.
            var first = (8 * align + 5) / 6;
            var last = 8 * (align + bytes.Length) / 6 - 1;
            var stable = encoded[first..(last + 1)];
            forms.Add(($"base64 (alignment {align})", Encoding.ASCII.GetBytes(stable)));
            forms.Add(($"base64url (alignment {align})", Encoding.ASCII.GetBytes(stable.Replace('+', '-').Replace('/', '_'))));
        }
        return forms;
    }

    /// <summary>The longest run of letters and digits in the key: its random part.</summary>
    private static string CoreOf(string key) => Regex.Matches(key, "[A-Za-z0-9]+").MaxBy(m => m.Length)!.Value;

    /// <summary>Every place a form of the key or a known signature was found (signatures in a download's Location excepted).</summary>
    public IReadOnlyList<Hit> Hits(string? role = null)
    {
        var hits = new List<Hit>();
        // Identical bodies (the same script on every page) are searched once; they are counted every time.
        var seen = new HashSet<(EvidenceKind, string, string)>();
        foreach (var item in Items(role))
        {
            if (!seen.Add((item.Kind, item.Role, Convert.ToHexString(SHA256.HashData(item.Bytes))))) continue;
            foreach (var (form, needle) in KeyForms)
            {
                var at = item.Bytes.AsSpan().IndexOf(needle);
                if (at >= 0) hits.Add(new Hit(item, "the key, " + form, Context(item.Bytes, at, needle.Length)));
            }
            if (item.Kind == EvidenceKind.DownloadLocation) continue;
            var searched = SignatureBytes(item);
            foreach (var (signature, at) in Signatures(searched)) hits.Add(new Hit(item, "a presigned URL's signature " + signature[..12] + "…", Context(item.Bytes, at, 64)));
            foreach (var credential in _credentials.Keys)
            {
                foreach (var form in new[] { credential, Uri.EscapeDataString(credential) }.Distinct())
                {
                    var at = searched.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form));
                    if (at >= 0) hits.Add(new Hit(item, "an S3 credential (X-Amz-Credential)", Context(item.Bytes, at, form.Length)));
                }
            }
            // Any signed-URL parameter with a value, known or not, in either form (the sandbox's sig=, S3's X-Amz-*).
            var text = Encoding.UTF8.GetString(searched);
            foreach (Match m in SignedParameter().Matches(text))
            {
                var at = Encoding.UTF8.GetByteCount(text.AsSpan(0, m.Index));
                hits.Add(new Hit(item, "a signed URL's parameter " + (m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).Value, Context(item.Bytes, at, Math.Min(m.Length, 80))));
            }
        }
        return hits;
    }

    /// <summary>The known signatures in <paramref name="bytes"/>: every window of 64 lower-case hex digits, looked up.</summary>
    public IEnumerable<(string Signature, int At)> Signatures(byte[] bytes)
    {
        var run = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && IsLowerHex(bytes[i]))
            {
                run++;
                continue;
            }
            for (var start = i - run; start + 64 <= i; start++)
            {
                var candidate = Encoding.ASCII.GetString(bytes, start, 64);
                if (_signatures.ContainsKey(candidate)) yield return (candidate, start);
            }
            run = 0;
        }
    }

    private static bool IsLowerHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f';

    private static string Context(byte[] bytes, int at, int length)
    {
        var from = Math.Max(0, at - 60);
        var to = Math.Min(bytes.Length, at + length + 60);
        return Encoding.UTF8.GetString(bytes, from, to - from).ReplaceLineEndings(" ");
    }

    /// <summary>The sandbox's <c>sig=</c> and S3's <c>X-Amz-Signature</c>, as a query parameter or a JSON/form field.</summary>
    [GeneratedRegex("""(?:sig=|X-Amz-Signature"?\s*[=:]\s*"?)([0-9a-fA-F]{64})""", RegexOptions.IgnoreCase)]
    private static partial Regex SignatureParameter();

    [GeneratedRegex("""X-Amz-Credential"?\s*[=:]\s*"?([A-Za-z0-9%/_.-]{8,})""", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialParameter();

    /// <summary>A signed URL's parameter carrying a value: <c>sig=&lt;64 hex&gt;</c>, <c>X-Amz-Signature=…</c>, <c>X-Amz-Credential=…</c> (also as JSON fields).</summary>
    [GeneratedRegex("""(?:[?&](sig)=[0-9a-f]{64}|(X-Amz-Signature|X-Amz-Credential)"?\s*[=:]\s*"?[A-Za-z0-9%/_.-]{8,})""", RegexOptions.IgnoreCase)]
    private static partial Regex SignedParameter();

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentHex();

    public sealed record Item(string Role, EvidenceKind Kind, string Where, byte[] Bytes);

    public sealed record Hit(Item Item, string What, string Context)
    {
        public override string ToString() => $"{Item.Role} {Item.Kind} {Item.Where}: {What} in «{Context}»";
    }
}
