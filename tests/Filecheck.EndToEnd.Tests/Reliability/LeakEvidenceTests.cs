using System.Text;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>The key-leak sweep's search can find what it looks for: each encoding of the key, and a known signature.</summary>
public sealed class LeakEvidenceTests
{
    private const string Key = "sk_test_leakcanary_0123456789abcdef0123456789abcdef+/=";
    private const string Signature = "ec89967c7c74a4afa7356c832ffcea057854cf651bd0c20bbaf67ba4f9a3a07e";

    private static LeakEvidence With(string text, EvidenceKind kind = EvidenceKind.Body)
    {
        var evidence = new LeakEvidence(Key);
        evidence.AddSignaturesFrom("""{"url":"http://127.0.0.1:1/files/a.pdf?expires=1\u0026sig=""" + Signature + "\"}");
        evidence.Add("staff", kind, "test", text);
        return evidence;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Hits_KeyInsideALongerBase64Value_IsFoundAtEachAlignment(int prefix)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('x', prefix) + "Bearer " + Key + " trailing"));

        Assert.Contains(With("Authorization: Basic " + encoded).Hits(), h => h.What.StartsWith("the key, base64", StringComparison.Ordinal));
        Assert.Contains(With(encoded.Replace('+', '-').Replace('/', '_')).Hits(), h => h.What.StartsWith("the key, base64", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("URL-encoded")]
    [InlineData("JSON-escaped")]
    [InlineData("HTML-encoded")]
    public void Hits_KeyEscaped_IsFoundByItsRandomPart(string how)
    {
        var text = how switch
        {
            "URL-encoded" => Uri.EscapeDataString(Key).ToLowerInvariant(),
            "JSON-escaped" => System.Text.Json.JsonSerializer.Serialize(Key),
            _ => System.Net.WebUtility.HtmlEncode(Key),
        };

        Assert.Contains(With("before " + text + " after").Hits(), h => h.What == "the key, random part");
    }

    [Fact]
    public void Hits_SignatureReceivedFromTheApi_IsAHitAnywhereButADownloadsLocation()
    {
        var text = "<a href=\"/x?sig=" + Signature + "\">";

        Assert.Contains(With(text, EvidenceKind.Frame).Hits(), h => h.What.StartsWith("a presigned URL's signature", StringComparison.Ordinal));
        Assert.Empty(With("http://127.0.0.1:1/files/a.pdf?sig=" + Signature, EvidenceKind.DownloadLocation).Hits());
        Assert.Empty(With("a hash " + new string('a', 64) + " that is no signature").Hits());
    }

    [Fact]
    public void Hits_S3UploadFieldsReceivedFromTheApi_SignatureAndCredentialFoundAnywhere()
    {
        var evidence = new LeakEvidence(Key);
        evidence.AddSignaturesFrom("""{"upload":{"fields":{"X-Amz-Credential":"SANDBOXEXAMPLE/20261207/us-east-1/s3/aws4_request","X-Amz-Signature":"ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"}}}""");
        evidence.Add("admin", EvidenceKind.Log, "test", "stored abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789 and SANDBOXEXAMPLE%2F20261207%2Fus-east-1%2Fs3%2Faws4_request");

        var hits = evidence.Hits();

        Assert.Equal(1, evidence.SignatureCount);
        Assert.Contains(hits, h => h.What.StartsWith("a presigned URL's signature", StringComparison.Ordinal));
        Assert.Contains(hits, h => h.What == "an S3 credential (X-Amz-Credential)");
    }

    [Theory]
    [InlineData("https://b.s3.amazonaws.com/a.pdf?X-Amz-Credential=AKIAX%2F20261207%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00ff")]
    [InlineData("{\"X-Amz-Signature\": \"0123456789abcdef\"}")]
    [InlineData("http://127.0.0.1:1/files/a.pdf?expires=1&sig=ec89967c7c74a4afa7356c832ffcea057854cf651bd0c20bbaf67ba4f9a3a07f")]
    public void Hits_SignedUrlParameterNeverSeenBefore_IsAHitInEitherForm(string text)
    {
        var evidence = new LeakEvidence(Key);
        evidence.Add("admin", EvidenceKind.DatabaseText, "Checks.Source", text);

        Assert.Contains(evidence.Hits(), h => h.What.StartsWith("a signed URL's parameter", StringComparison.Ordinal));
        Assert.Empty(With("X-Amz-Signature is named in help text; sig= alone is not a value").Hits());
    }
}
