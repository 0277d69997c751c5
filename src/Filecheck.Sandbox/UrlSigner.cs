using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Filecheck.Sandbox;

/// <summary>Presigned file URLs: <c>?expires=&lt;unix&gt;&amp;sig=&lt;hmac&gt;</c> over path and expiry, with a per-server secret.</summary>
internal sealed class UrlSigner(TimeProvider clock, TimeSpan lifetime)
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public Uri BaseAddress { get; set; } = new("http://127.0.0.1/");

    public int ExpiresIn => (int)lifetime.TotalSeconds;

    public string Sign(string path)
    {
        var expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        return $"{BaseAddress.ToString().TrimEnd('/')}{path}?expires={expires}&sig={Signature(path, expires)}";
    }

    public enum Verdict { Valid, Expired, BadSignature }

    public Verdict Verify(string path, string? expires, string? sig)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var exp) || string.IsNullOrEmpty(sig))
            return Verdict.BadSignature;
        var expected = Encoding.ASCII.GetBytes(Signature(path, exp));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sig))) return Verdict.BadSignature;
        return clock.GetUtcNow().ToUnixTimeSeconds() > exp ? Verdict.Expired : Verdict.Valid;
    }

    private string Signature(string path, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(path + "\n" + expires.ToString(CultureInfo.InvariantCulture))));
}
