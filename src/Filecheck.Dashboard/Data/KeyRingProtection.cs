using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// Encrypts the Data Protection key ring at rest with a certificate (<c>DataProtection:CertificatePath</c>, a PFX, and
/// <c>DataProtection:CertificatePassword</c> from secrets), so that a copy of the store alone cannot forge a
/// session cookie. Without a certificate the keys are stored as Data Protection writes them (and it logs a warning).
/// </summary>
public static class KeyRingProtection
{
    public const string Section = "DataProtection";
    public const string PathKey = Section + ":CertificatePath";
    public const string PasswordKey = Section + ":CertificatePassword";

    /// <summary>Protects the key ring when a certificate is configured; a certificate that cannot be used refuses the start, naming the key.</summary>
    public static IDataProtectionBuilder ProtectWithConfiguredCertificate(this IDataProtectionBuilder builder, IConfiguration configuration, string contentRoot)
    {
        var path = configuration[PathKey];
        if (string.IsNullOrWhiteSpace(path)) return builder;
        var full = DataSetup.FullPath(path, contentRoot);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(full, configuration[PasswordKey], X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The path is the operator's own setting; the password is never repeated.
            throw new InvalidOperationException(
                $"{PathKey}: the certificate '{full}' could not be read ({e.GetType().Name}: check the file and {PasswordKey}).", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{PathKey}: the certificate '{full}' has no private key, so the key ring could not be read back.");
        }
        return builder.ProtectKeysWithCertificate(certificate);
    }
}
