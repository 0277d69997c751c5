using System.Buffers;

namespace Filecheck.Dashboard.Trends.Rollups;

/// <summary>
/// A log-scaled histogram of milliseconds: bucket <c>i ≥ 1</c> holds <c>[1.02^(i-1), 1.02^i)</c>, bucket 0 everything
/// under 1 ms. A percentile read from it (the bucket's geometric middle) is within 1% of the exact value at or above
/// 1 ms, and buckets merge by adding counts, which is what rollups over days and dimensions need.
/// </summary>
public sealed class DurationBuckets
{
    public const double Ratio = 1.02;
    /// <summary>
    /// Buckets kept: up to 1.02^4095 ms (about 10^35 ms); anything longer, which no real step takes, counts in the last.
    /// </summary>
    public const int MaxIndex = 4095;
    private static readonly double LogRatio = Math.Log(Ratio);
    // Dense counts by index (a few hundred to a thousand in practice): merging a stored histogram is one add per entry.
    private long[] _counts = [];

    public long Count { get; private set; }
    public bool IsEmpty => Count == 0;

    /// <summary>The non-zero buckets, lowest first.</summary>
    public IEnumerable<KeyValuePair<int, long>> Counts
    {
        get
        {
            for (var i = 0; i < _counts.Length; i++)
            {
                if (_counts[i] != 0) yield return new KeyValuePair<int, long>(i, _counts[i]);
            }
        }
    }

    public static int IndexOf(double ms) => ms < 1 || double.IsNaN(ms) ? 0 : (int)Math.Min(MaxIndex, 1 + Math.Floor(Math.Log(ms) / LogRatio));

    public static double LowerBound(int index) => index <= 0 ? 0 : Math.Pow(Ratio, index - 1);
    public static double UpperBound(int index) => index <= 0 ? 1 : Math.Pow(Ratio, index);
    /// <summary>The value a bucket stands for: its geometric middle (0.5 ms for the first).</summary>
    public static double Representative(int index) => index <= 0 ? 0.5 : Math.Pow(Ratio, index - 0.5);

    public void Add(double ms, long count = 1) => AddIndex(IndexOf(ms), count);

    public void AddIndex(int index, long count)
    {
        if (count == 0) return;
        index = Math.Clamp(index, 0, MaxIndex);
        if (index >= _counts.Length) Array.Resize(ref _counts, Math.Min(MaxIndex + 1, Math.Max(index + 1, _counts.Length * 2)));
        _counts[index] += count;
        Count += count;
    }

    public void Merge(DurationBuckets other)
    {
        if (other._counts.Length > _counts.Length) Array.Resize(ref _counts, other._counts.Length);
        for (var i = 0; i < other._counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
    }

    /// <summary>The nearest-rank percentile (<paramref name="p"/> in 0..1); null when empty.</summary>
    public double? Percentile(double p)
    {
        if (Count <= 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(p * Count));
        long seen = 0;
        var last = -1;
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] == 0) continue;
            last = i;
            seen += _counts[i];
            if (seen >= rank) return Representative(i);
        }
        return Representative(Math.Max(0, last));
    }

    public double? Min
    {
        get
        {
            for (var i = 0; i < _counts.Length; i++) if (_counts[i] != 0) return LowerBound(i);
            return null;
        }
    }

    public double? Max
    {
        get
        {
            for (var i = _counts.Length - 1; i >= 0; i--) if (_counts[i] != 0) return UpperBound(i);
            return null;
        }
    }

    /// <summary>Sparse bytes: (index gap, count) pairs as zig-zag varints.</summary>
    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var previous = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            var count = _counts[index];
            if (count == 0) continue;
            WriteVar(buffer, Zig(index - previous));
            WriteVar(buffer, Zig(count));
            previous = index;
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static DurationBuckets FromBytes(ReadOnlySpan<byte> bytes)
    {
        var buckets = new DurationBuckets();
        buckets.AddBytes(bytes);
        return buckets;
    }

    /// <summary>Merges a stored histogram without building another (the query path reads many).</summary>
    public void AddBytes(ReadOnlySpan<byte> bytes, long sign = 1)
    {
        var position = 0;
        var index = 0;
        while (position < bytes.Length)
        {
            index += (int)Unzig(ReadVar(bytes, ref position));
            var count = Unzig(ReadVar(bytes, ref position));
            AddIndex(index, sign * count);
        }
    }

    /// <summary>Sparse bytes from (index, count) pairs in ascending index order; zero counts are left out.</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<int, long>> sorted)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var previous = 0;
        foreach (var (index, count) in sorted)
        {
            if (count == 0) continue;
            WriteVar(buffer, Zig(index - previous));
            WriteVar(buffer, Zig(count));
            previous = index;
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><see cref="Encode(IEnumerable{KeyValuePair{int, long}})"/> of (index, count) pairs already sorted, with no zero counts.</summary>
    public static byte[] Encode(ReadOnlySpan<(int Index, long Count)> sorted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(sorted.Length * 12);
        try
        {
            int written = 0, previous = 0;
            foreach (var (index, count) in sorted)
            {
                written += WriteVar(buffer.AsSpan(written), Zig(index - previous));
                written += WriteVar(buffer.AsSpan(written), Zig(count));
                previous = index;
            }
            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Two stored histograms added, read and written in one pass (what a rollup upsert does per row).</summary>
    public static byte[] MergeBytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var buffer = new byte[MergedBound(a, b)];
        return buffer.AsSpan(0, MergeBytes(a, b, buffer)).ToArray();
    }

    /// <summary>The most bytes <see cref="MergeBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> can write.</summary>
    public static int MergedBound(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        // Each entry takes at least two bytes; merged, it takes at most a gap of two and a count of ten.
        (a.Length + b.Length) / 2 * 12 + 12;

    /// <summary><see cref="MergeBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> into <paramref name="destination"/> (at least <see cref="MergedBound"/> long); the length written.</summary>
    public static int MergeBytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        int pa = 0, pb = 0, ia = 0, ib = 0, previous = 0, written = 0;
        long ca = 0, cb = 0;
        static bool Next(ReadOnlySpan<byte> s, ref int p, ref int i, ref long c)
        {
            if (p >= s.Length) return false;
            i += (int)Unzig(ReadVar(s, ref p));
            c = Unzig(ReadVar(s, ref p));
            return true;
        }
        var hasA = Next(a, ref pa, ref ia, ref ca);
        var hasB = Next(b, ref pb, ref ib, ref cb);
        while (hasA || hasB)
        {
            int index;
            long count;
            if (hasA && (!hasB || ia < ib)) { index = ia; count = ca; hasA = Next(a, ref pa, ref ia, ref ca); }
            else if (!hasA || ib < ia) { index = ib; count = cb; hasB = Next(b, ref pb, ref ib, ref cb); }
            else { index = ia; count = ca + cb; hasA = Next(a, ref pa, ref ia, ref ca); hasB = Next(b, ref pb, ref ib, ref cb); }
            if (count == 0) continue;
            written += WriteVar(destination[written..], Zig(index - previous));
            written += WriteVar(destination[written..], Zig(count));
            previous = index;
        }
        return written;
    }

    private static ulong Zig(long v) => (ulong)((v << 1) ^ (v >> 63));
    private static long Unzig(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static void WriteVar(ArrayBufferWriter<byte> buffer, ulong v) => buffer.Advance(WriteVar(buffer.GetSpan(10), v));

    private static int WriteVar(Span<byte> span, ulong v)
    {
        var n = 0;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[n++] = (byte)v;
        return n;
    }

    private static ulong ReadVar(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong v = 0;
        var shift = 0;
        while (position < bytes.Length)
        {
            var b = bytes[position++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) break;
            shift += 7;
        }
        return v;
    }
}
