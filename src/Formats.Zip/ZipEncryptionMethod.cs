namespace Formats.Zip;

/// <summary>How the members of an encrypted zip are encrypted (<see cref="ZipEncryption"/>).</summary>
public enum ZipEncryptionMethod : byte
{
    /// <summary>Not encrypted: what archives without <see cref="ZipWriterOptions.Encryption"/>, directories and symbolic links have.</summary>
    None = 0,

    /// <summary>
    /// WinZip AES-256, AE-2: method 99 with the 0x9901 extra field, keys from PBKDF2-HMAC-SHA1 over a random salt per
    /// member, AES-256 in counter mode and an HMAC-SHA1 authentication code over the encrypted data. Read by 7-Zip,
    /// libarchive (bsdtar), WinZip and the tools built on them; not by Windows Explorer, Info-ZIP unzip or Python.
    /// </summary>
    Aes256 = 1,

    /// <summary>
    /// Traditional PKWARE encryption (APPNOTE 6.1, "ZipCrypto"). <b>Broken cryptography</b>: a known-plaintext attack
    /// recovers the keys from about a dozen known bytes, and its 1-byte check lets a password guesser discard most
    /// candidates at once. The same check lets about 1 wrong password in 256 through: a stored member then decrypts to
    /// wrong bytes that only its CRC-32 reveals, so a reader that skips the CRC, or checks it only after writing (unzip -p,
    /// 7-Zip and bsdtar extracting), gives wrong bytes. Only for readers that know nothing else (Windows Explorer,
    /// Info-ZIP unzip, Python's zipfile).
    /// </summary>
    ZipCrypto = 2,
}
