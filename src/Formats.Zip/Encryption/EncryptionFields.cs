using Formats.Zip.Records;

namespace Formats.Zip.Encryption;

/// <summary>
/// What encryption changes in a member's local and central headers, in one place for both: the method field (99 for
/// AES, the real method going into the 0x9901 extra field), the encrypted flag, the version needed, and the extra field.
/// </summary>
internal static class EncryptionFields
{
    /// <summary>AE-2: the CRC-32 fields hold 0 and the authentication code checks the data (AE-1 would keep the CRC).</summary>
    public const ushort AesVendorVersion = 2;

    /// <summary>AES strength 3: a 256-bit key.</summary>
    public const byte AesStrength256 = 3;

    /// <summary>The method field of the headers: 99 for AES, else the compression method itself.</summary>
    public static ushort HeaderMethod(ZipEncryptionMethod encryption, ushort method) =>
        encryption == ZipEncryptionMethod.Aes256 ? ZipConstants.MethodWinZipAes : method;

    public static ushort Flags(ZipEncryptionMethod encryption) => encryption == ZipEncryptionMethod.None ? (ushort)0 : ZipConstants.FlagEncrypted;

    /// <summary>The least version that decrypts (0 when not encrypted): 5.1 for AES, 2.0 for traditional encryption.</summary>
    public static ushort VersionNeeded(ZipEncryptionMethod encryption) => encryption switch
    {
        ZipEncryptionMethod.Aes256 => ZipConstants.VersionAes,
        ZipEncryptionMethod.ZipCrypto => ZipConstants.VersionDeflateOrDirectory,
        _ => 0,
    };

    /// <summary>The CRC-32 the headers and the descriptor carry: 0 under AE-2.</summary>
    public static uint RecordedCrc(ZipEncryptionMethod encryption, uint crc) => encryption == ZipEncryptionMethod.Aes256 ? 0 : crc;

    public static int ExtraLength(ZipEncryptionMethod encryption) =>
        encryption == ZipEncryptionMethod.Aes256 ? WinZipAesExtraField.FixedLength : 0;

    /// <summary>Writes the 0x9901 extra field of an AES member (nothing otherwise); returns its length.</summary>
    public static int WriteExtra(Span<byte> destination, ZipEncryptionMethod encryption, ushort method)
    {
        if (encryption != ZipEncryptionMethod.Aes256)
        {
            return 0;
        }

        new WinZipAesExtraField { VendorVersion = AesVendorVersion, Strength = AesStrength256, CompressionMethod = method }.Write(destination);
        return WinZipAesExtraField.FixedLength;
    }
}
