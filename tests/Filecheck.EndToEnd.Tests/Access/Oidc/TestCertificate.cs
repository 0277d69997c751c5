using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Filecheck.EndToEnd.Tests.Access.Oidc;

/// <summary>A self-signed certificate for https://127.0.0.1, made per test run and written as PEM for other processes.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _folder;

    private TestCertificate(X509Certificate2 certificate, string folder)
    {
        Certificate = certificate;
        _folder = folder;
        CertificatePath = Path.Combine(folder, "cert.pem");
        KeyPath = Path.Combine(folder, "key.pem");
    }

    public X509Certificate2 Certificate { get; }
    public string CertificatePath { get; }
    public string KeyPath { get; }

    public static TestCertificate Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // Its own issuer: a trust anchor for the dashboard's OpenSSL store (SSL_CERT_FILE) and a server certificate.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));
        // Re-imported so that SslStream gets a certificate with a usable private key on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);

        var result = new TestCertificate(certificate, Directory.CreateTempSubdirectory("fc-oidc-cert-").FullName);
        File.WriteAllText(result.CertificatePath, created.ExportCertificatePem() + "\n");
        File.WriteAllText(result.KeyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return result;
    }

    public void Dispose()
    {
        Certificate.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
