using System.Security.Cryptography;
using System.Text;

namespace Formats;

/// <summary>
/// The one place an identity (<see cref="EntrySource.GetIdentityAsync"/>) becomes the key an <see cref="ICrcStore"/> is
/// asked with: the SHA-256 of its UTF-8 text, as 64 lowercase hex digits. An identity holds a URL (user information and
/// query tokens included), a file's path and, for members fetched with credentials, a hash of those; no store keeps any
/// of that in clear text, whatever the store.
/// </summary>
internal static class CrcStoreKeys
{
    /// <summary>The store key of <paramref name="identity"/>.</summary>
    public static string For(string identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), hash);
        return Convert.ToHexStringLower(hash);
    }
}
