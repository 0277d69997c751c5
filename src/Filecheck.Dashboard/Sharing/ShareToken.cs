using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Filecheck.Dashboard.Sharing;

/// <summary>
/// A share link's secret: 256 bits from the CSPRNG, base64url without padding (43 characters). Only its SHA-256 is
/// stored, so a copy of the database opens no link.
/// </summary>
public static class ShareToken
{
    public const int Bytes = 32;
    public const int Length = 43;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>Lower-case hex SHA-256 of the token's text.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Only the shape a token can have: anything else is unknown without a database read.</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: Length } && text.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
