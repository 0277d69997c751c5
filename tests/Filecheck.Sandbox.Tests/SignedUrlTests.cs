using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Filecheck.Sandbox.Tests;

public sealed class SignedUrlTests
{
    private static async Task<JsonObject> Runs(Sandbox sb, string id) => await sb.GetJsonAsync($"/jobs/{id}?expand=runs");

    [Fact]
    public async Task ProofUrl_ServesADecodablePng_WithoutBearer()
    {
        await using var sb = await Sandbox.StartAsync();
        var url = (string)(await Runs(sb, WellKnownJobs.Passing))["runs"]![0]!["proofs"]![0]!["url"]!;
        using var anonymous = new HttpClient();
        using var response = await anonymous.GetAsync(url);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        Assert.Equal((320, 200), (width, height));
        Assert.Equal(8, png[24]); // bit depth
        Assert.Equal(2, png[25]); // RGB

        // Walk the chunks: CRCs must match and IDAT must inflate to exactly height * (1 + width * 3) bytes.
        var idat = new MemoryStream();
        var pos = 8;
        var sawEnd = false;
        while (pos < png.Length)
        {
            var len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(Crc32(png.AsSpan(pos + 4, 4 + len)), crc);
            if (type == "IDAT") idat.Write(png, pos + 8, len);
            if (type == "IEND") sawEnd = true;
            pos += 12 + len;
        }
        Assert.True(sawEnd);
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        Assert.Equal(height * (1 + width * 3), raw.Length);
    }

    [Fact]
    public async Task DownloadUrl_ServesAPdf()
    {
        await using var sb = await Sandbox.StartAsync();
        var run = (await Runs(sb, WellKnownJobs.Fixed))["runs"]![0]!;
        Assert.True((bool)run["hasOutput"]!);
        using var anonymous = new HttpClient();
        using var response = await anonymous.GetAsync((string)run["downloadUrl"]!);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var pdf = Encoding.ASCII.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("%PDF-", pdf);
        Assert.Contains("%%EOF", pdf);

        // Artifacts in the full job carry the same kind of URL with expiresIn.
        var job = (await sb.GetJsonAsync($"/jobs/{WellKnownJobs.Fixed}"))["job"]!;
        var deliverable = job["deliverables"]![0]!;
        Assert.Equal(3600, (int)deliverable["expiresIn"]!);
        using var again = await anonymous.GetAsync((string)deliverable["downloadUrl"]!);
        Assert.Equal(200, (int)again.StatusCode);
    }

    [Fact]
    public async Task TamperedSignature_Returns403()
    {
        await using var sb = await Sandbox.StartAsync();
        var url = (string)(await Runs(sb, WellKnownJobs.Passing))["runs"]![0]!["proofs"]![0]!["url"]!;
        var last = url[^1];
        var tampered = url[..^1] + (last == '0' ? '1' : '0');
        using var anonymous = new HttpClient();
        using var response = await anonymous.GetAsync(tampered);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Contains("SignatureDoesNotMatch", await response.Content.ReadAsStringAsync());

        // Another file's path under the same signature is refused too.
        using var otherPath = await anonymous.GetAsync(url.Replace("proof-1.png", "proof-2.png"));
        Assert.Equal(403, (int)otherPath.StatusCode);
    }

    [Fact]
    public async Task ExpiredUrl_Returns403_AndAFreshReadMintsAWorkingOne()
    {
        await using var sb = await Sandbox.StartAsync(o => o.SignedUrlLifetime = TimeSpan.FromMinutes(10));
        var url = (string)(await Runs(sb, WellKnownJobs.Passing))["runs"]![0]!["proofs"]![0]!["url"]!;
        using var anonymous = new HttpClient();
        Assert.Equal(200, (int)(await anonymous.GetAsync(url)).StatusCode);

        sb.Clock.Advance(TimeSpan.FromMinutes(11));
        using var expired = await anonymous.GetAsync(url);
        Assert.Equal(403, (int)expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());

        var fresh = (string)(await Runs(sb, WellKnownJobs.Passing))["runs"]![0]!["proofs"]![0]!["url"]!;
        Assert.NotEqual(url, fresh);
        Assert.Equal(200, (int)(await anonymous.GetAsync(fresh)).StatusCode);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }
}
