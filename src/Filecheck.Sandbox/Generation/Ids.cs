namespace Filecheck.Sandbox.Generation;

/// <summary>ULID-looking IDs (Crockford base32, lowercase) and the seed arithmetic behind them.</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary><paramref name="prefix"/> + 10 time characters + 16 random characters, like a real ULID.</summary>
    public static string Ulid(string prefix, long unixMs, Random rng)
    {
        Span<char> buf = stackalloc char[26];
        EncodeTime(buf[..10], unixMs);
        for (var i = 10; i < 26; i++) buf[i] = Alphabet[rng.Next(32)];
        return prefix + new string(buf);
    }

    public static void EncodeTime(Span<char> dst, long unixMs)
    {
        var v = (ulong)Math.Max(0, unixMs);
        for (var i = dst.Length - 1; i >= 0; i--) { dst[i] = Alphabet[(int)(v & 31)]; v >>= 5; }
    }

    /// <summary>64 bits as 13 characters (the first holds 4 bits).</summary>
    public static void Encode64(Span<char> dst, ulong v)
    {
        for (var i = 12; i >= 0; i--) { dst[i] = Alphabet[(int)(v & 31)]; v >>= 5; }
    }

    public static bool TryDecode64(ReadOnlySpan<char> src, out ulong v)
    {
        v = 0;
        if (src.Length != 13) return false;
        for (var i = 0; i < 13; i++)
        {
            var d = Alphabet.IndexOf(src[i]);
            if (d < 0 || (i == 0 && d > 15)) return false;
            v = (v << 5) | (uint)d;
        }
        return true;
    }

    /// <summary>SplitMix64's finalizer: a good, cheap 64-bit mixer.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    /// <summary>A per-item seed: depends only on the server seed, the stream and the item's ordinal.</summary>
    public static int Seed(int seed, ulong stream, long ordinal) =>
        (int)(Mix(Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ stream) + (ulong)ordinal) & 0x7FFFFFFF);

    /// <summary>The inverse of an odd number modulo 2^64 (Newton's iteration).</summary>
    public static ulong InverseOdd(ulong a)
    {
        var x = a;
        for (var i = 0; i < 6; i++) x *= 2 - a * x;
        return x;
    }

    public static double LogNormal(Random rng, double median, double sigma)
    {
        // Box-Muller
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        var n = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return median * Math.Exp(sigma * n);
    }
}
