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
}

/// <summary>
/// Everything a journey saw, kept per role and kind, then searched for the secret key (in every encoding a leak could take)
/// and for the signatures of the presigned URLs the dashboard received from the API.
/// </summary>
public sealed partial class LeakEvidence(string key)
{
    private readonly ConcurrentQueue<Item> _items = new();
    private readonly ConcurrentDictionary<string, byte> _signatures = new();

    public string Key { get; } = key;

    /// <summary>Requests the dashboard sent upstream with this key as its Bearer token: proof that the key in use is the one searched for.</summary>
    public int KeyedUpstreamRequests;

    public int SignatureCount => _signatures.Count;

    public void Add(string role, EvidenceKind kind, string where, byte[] bytes) => _items.Enqueue(new Item(role, kind, where, bytes));

    public void Add(string role, EvidenceKind kind, string where, string text) => Add(role, kind, where, Encoding.UTF8.GetBytes(text));

    /// <summary>Keeps every signature in a body the dashboard received from the API.</summary>
    public void AddSignaturesFrom(string upstreamBody)
    {
        foreach (Match m in SignatureParameter().Matches(upstreamBody)) _signatures.TryAdd(m.Groups[1].Value, 0);
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
            foreach (var (signature, at) in Signatures(item.Bytes)) hits.Add(new Hit(item, "a presigned URL's signature " + signature[..12] + "…", Context(item.Bytes, at, 64)));
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

    [GeneratedRegex("sig=([0-9a-f]{64})")]
    private static partial Regex SignatureParameter();

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentHex();

    public sealed record Item(string Role, EvidenceKind Kind, string Where, byte[] Bytes);

    public sealed record Hit(Item Item, string What, string Context)
    {
        public override string ToString() => $"{Item.Role} {Item.Kind} {Item.Where}: {What} in «{Context}»";
    }
}
