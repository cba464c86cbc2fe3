using System.Security.Cryptography;

namespace Formats.Zip;

/// <summary>
/// Encryption of an archive's file members with a password (<see cref="ZipWriterOptions.Encryption"/>): names, sizes,
/// times, directories and symbolic link targets stay readable, as zip has them outside the encrypted data. Every
/// member gets fresh random bytes (an AES salt, a ZipCrypto header), so an encrypted archive is never the same twice
/// and cannot be planned (<see cref="ZipArchivePlan"/> refuses it). The password is kept only as bytes, never shown:
/// <see cref="ToString"/> names the method alone.
/// </summary>
public sealed class ZipEncryption
{
    private readonly byte[] _password;

    private ZipEncryption(ZipEncryptionMethod method, byte[] password)
    {
        Method = method;
        _password = password;
    }

    /// <summary>The method.</summary>
    public ZipEncryptionMethod Method { get; }

    /// <summary>The password's bytes, as the method encodes them.</summary>
    internal ReadOnlySpan<byte> Password => _password;

    /// <summary>Where the random bytes come from (a test seam for known salts; never anything else outside tests).</summary>
    internal Action<Span<byte>> FillRandom { get; set; } = RandomNumberGenerator.Fill;

    /// <summary>
    /// WinZip AES-256 (AE-2) with <paramref name="password"/>, encoded as UTF-8 as WinZip and 7-Zip encode AES passwords.
    /// </summary>
    /// <exception cref="ArgumentException">The password is empty.</exception>
    public static ZipEncryption Aes256(string password)
    {
        Check(password);
        return new ZipEncryption(ZipEncryptionMethod.Aes256, System.Text.Encoding.UTF8.GetBytes(password));
    }

    /// <summary>
    /// Traditional PKWARE encryption ("ZipCrypto") with <paramref name="password"/>. <b>Weak</b>: see
    /// <see cref="ZipEncryptionMethod.ZipCrypto"/>; use <see cref="Aes256"/> unless a reader knows nothing else. The
    /// password must be printable ASCII: readers encode other characters differently (the OEM code page on Windows,
    /// the locale's encoding elsewhere), so another password would open in some readers and not in others.
    /// </summary>
    /// <exception cref="ArgumentException">The password is empty or not printable ASCII.</exception>
    public static ZipEncryption ZipCrypto(string password)
    {
        Check(password);
        foreach (var c in password)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException("a ZipCrypto password must be printable ASCII: readers encode other characters differently", nameof(password));
            }
        }

        return new ZipEncryption(ZipEncryptionMethod.ZipCrypto, System.Text.Encoding.ASCII.GetBytes(password));
    }

    /// <summary>The method; never the password.</summary>
    public override string ToString() => $"{Method} (password not shown)";

    private static void Check(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0)
        {
            throw new ArgumentException("the password is empty", nameof(password));
        }
    }
}
