using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// Encrypts the Data Protection key ring at rest with a certificate (<c>DataProtection:CertificatePath</c>, a PFX, and
/// <c>DataProtection:CertificatePassword</c> from secrets), so that a copy of the store alone cannot forge a
/// session cookie. Without a certificate the keys are stored as Data Protection writes them: only in Development, or where the
/// operator states <c>DataProtection:AllowUnencryptedKeys=true</c> (and every start warns).
/// </summary>
public static class KeyRingProtection
{
    public const string Section = "DataProtection";
    public const string PathKey = Section + ":CertificatePath";
    public const string PasswordKey = Section + ":CertificatePassword";
    public const string AllowUnencryptedKey = Section + ":AllowUnencryptedKeys";

    /// <summary>
    /// Outside Development a key ring without a certificate refuses the start unless the operator states it
    /// (<c>DataProtection:AllowUnencryptedKeys=true</c>), and then every start warns.
    /// </summary>
    public static IHostApplicationBuilder RequireEncryptedKeysOutsideDevelopment(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyRingOptions>().Bind(builder.Configuration.GetSection(Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyRingOptions>>(new KeyRingOptionsValidator(builder.Environment));
        builder.Services.AddHostedService<UnencryptedKeysWarning>();
        return builder;
    }

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

/// <summary>The <c>DataProtection</c> section as the start checks it (the certificate itself is loaded by <see cref="KeyRingProtection"/>).</summary>
public sealed class KeyRingOptions
{
    public string? CertificatePath { get; set; }

    /// <summary>The operator's statement that the key ring may be stored unencrypted outside Development.</summary>
    public bool AllowUnencryptedKeys { get; set; }

    internal bool Unencrypted => string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>Names the keys: without a certificate, a copy of the store is enough to sign in as anyone.</summary>
internal sealed class KeyRingOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions o)
    {
        if (environment.IsDevelopment() || !o.Unencrypted || o.AllowUnencryptedKeys) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(
            $"{KeyRingProtection.PathKey} is not set, so the key ring that signs session cookies would be stored unencrypted in the "
            + $"store (anyone with a copy or backup of the database could sign in as Admin), and this environment is "
            + $"'{environment.EnvironmentName}', so the dashboard will not start. Set {KeyRingProtection.PathKey} (a PFX) and "
            + $"{KeyRingProtection.PasswordKey}, or state {KeyRingProtection.AllowUnencryptedKey}=true to accept unencrypted keys.");
    }
}

/// <summary>Says at every start outside Development that the operator chose unencrypted keys, so it is never forgotten.</summary>
internal sealed class UnencryptedKeysWarning(IOptions<KeyRingOptions> options, IHostEnvironment environment, ILogger<UnencryptedKeysWarning> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && options.Value.Unencrypted)
        {
            logger.LogWarning(
                "{Key}=true: the key ring that signs session cookies is stored unencrypted in the store; anyone with a copy "
                + "of the database can sign in as any user. Set {PathKey} to encrypt it.",
                KeyRingProtection.AllowUnencryptedKey, KeyRingProtection.PathKey);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
