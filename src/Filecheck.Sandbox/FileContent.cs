using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Filecheck.Sandbox;

/// <summary>Real (small) files for signed URLs: PNG proofs drawn as a page, and one-page PDFs.</summary>
internal static class FileContent
{
    public const int Width = 320;
    public const int Height = 200;

    /// <summary>A page-like proof: grey desk, white page, a coloured header, text lines as bars, a picture block, page dots.</summary>
    public static byte[] ProofPng(string fileName, int page)
    {
        var seed = Hash(fileName + "#" + page);
        var rng = new Random(seed);
        var px = new byte[Width * Height * 3];
        void Fill(int x0, int y0, int x1, int y1, byte r, byte g, byte b)
        {
            for (var y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
                for (var x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
                {
                    var i = (y * Width + x) * 3;
                    px[i] = r; px[i + 1] = g; px[i + 2] = b;
                }
        }
        Fill(0, 0, Width, Height, 218, 221, 226);
        const int left = 90, top = 8, right = 230, bottom = 192;
        Fill(left + 3, top + 3, right + 3, bottom + 3, 170, 174, 180); // shadow
        Fill(left, top, right, bottom, 255, 255, 255);
        var hue = (byte)rng.Next(40, 200);
        Fill(left + 10, top + 10, right - 10, top + 34, hue, (byte)(255 - hue), (byte)rng.Next(80, 220));
        // The file name, one bar per character group, so different files look different.
        var x = left + 10;
        foreach (var ch in fileName.Take(24))
        {
            var w = 2 + ch % 4;
            Fill(x, top + 42, x + w, top + 48, 40, 40, 48);
            x += w + 1;
            if (x > right - 14) break;
        }
        var y0 = top + 58;
        if (rng.NextDouble() < 0.6)
        {
            Fill(left + 10, y0, left + 70, y0 + 40, (byte)rng.Next(90, 200), (byte)rng.Next(90, 200), (byte)rng.Next(90, 200));
            for (var line = 0; line < 5; line++)
                Fill(left + 76, y0 + line * 8, right - 10 - rng.Next(0, 30), y0 + line * 8 + 4, 120, 124, 130);
            y0 += 48;
        }
        while (y0 < bottom - 24)
        {
            Fill(left + 10, y0, right - 10 - rng.Next(0, 50), y0 + 4, 120, 124, 130);
            y0 += 9;
        }
        for (var i = 0; i < Math.Min(page, 10); i++)
            Fill(left + 10 + i * 7, bottom - 12, left + 14 + i * 7, bottom - 8, 60, 60, 60);
        return EncodePng(px, Width, Height);
    }

    public static byte[] EncodePng(byte[] rgb, int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour RGB
        Chunk(ms, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            {
                for (var y = 0; y < height; y++)
                {
                    z.WriteByte(0); // filter: none
                    z.Write(rgb, y * width * 3, width * 3);
                }
            }
            Chunk(ms, "IDAT", raw.ToArray());
        }
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crc = Crc32(typeBytes, 0xFFFFFFFFu);
        crc = Crc32(data, crc) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    internal static uint Crc32(ReadOnlySpan<byte> data, uint crc)
    {
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>A one-page A4 PDF naming the file, with a correct xref table.</summary>
    public static byte[] Pdf(string title, string subtitle)
    {
        static string Esc(string s) => new(s.Where(c => c is >= ' ' and <= '~').SelectMany(c => c is '(' or ')' or '\\' ? new[] { '\\', c } : new[] { c }).ToArray());
        var content = $"BT /F1 18 Tf 56 780 Td ({Esc(title)}) Tj ET\nBT /F1 11 Tf 56 756 Td ({Esc(subtitle)}) Tj ET\n" +
                      "0.85 0.85 0.85 rg 56 520 483 200 re f\n0.2 0.2 0.2 rg 56 490 300 8 re f 56 474 420 8 re f 56 458 360 8 re f\n";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            $"<< /Length {Encoding.ASCII.GetByteCount(content)} >>\nstream\n{content}endstream",
        };
        var sb = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        foreach (var (body, i) in objects.Select((b, i) => (b, i)))
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append($"{i + 1} 0 obj\n{body}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:D10} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static int Hash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h & 0x7FFFFFFF;
    }
}
