namespace Formats.Zip;

/// <summary>Values of the ZIP format that are not records (APPNOTE sections cited).</summary>
internal static class ZipConstants
{
    /// <summary>A 32-bit size or offset field at this value means "see the zip64 extra field" (APPNOTE 4.4.8, 4.5.3).</summary>
    public const uint Zip64Saturated32 = 0xFFFFFFFF;

    /// <summary>A 16-bit count at this value means "see the zip64 end record" (APPNOTE 4.4.21).</summary>
    public const ushort Zip64Saturated16 = 0xFFFF;

    /// <summary>Largest value a 32-bit field holds without going to zip64: 0xFFFFFFFF itself is the escape.</summary>
    public const long Max32 = Zip64Saturated32 - 1L;

    /// <summary>Largest entry count an end record holds without zip64.</summary>
    public const int MaxEntries16 = Zip64Saturated16 - 1;

    /// <summary>Compression method 0 (APPNOTE 4.4.5).</summary>
    public const ushort MethodStored = 0;

    /// <summary>Compression method 8.</summary>
    public const ushort MethodDeflate = 8;

    /// <summary>Compression method 93, Zstandard (APPNOTE 4.4.5; 20 is deprecated).</summary>
    public const ushort MethodZstandard = 93;

    /// <summary>Compression method 99: WinZip AES; the real method is in the 0x9901 extra field (WinZip AE-x specification).</summary>
    public const ushort MethodWinZipAes = 99;

    /// <summary>Version needed to extract (APPNOTE 4.4.3.2).</summary>
    public const ushort VersionStored = 10;

    public const ushort VersionDeflateOrDirectory = 20;

    public const ushort VersionZip64 = 45;

    public const ushort VersionZstandard = 63;

    /// <summary>AES encryption (APPNOTE 4.4.3.2: 5.1); traditional encryption needs 2.0, <see cref="VersionDeflateOrDirectory"/>.</summary>
    public const ushort VersionAes = 51;

    /// <summary>Version made by: upper byte 3 = UNIX (APPNOTE 4.4.2.2), lower byte 63 = spec 6.3.</summary>
    public const ushort VersionMadeBy = (3 << 8) | 63;

    /// <summary>General purpose bit 0: the member is encrypted (APPNOTE 4.4.4).</summary>
    public const ushort FlagEncrypted = 1 << 0;

    /// <summary>General purpose bit 3: CRC and sizes follow the data in a data descriptor (APPNOTE 4.4.4).</summary>
    public const ushort FlagDataDescriptor = 1 << 3;

    /// <summary>General purpose bit 11: name and comment are UTF-8 (APPNOTE 4.4.4, appendix D).</summary>
    public const ushort FlagUtf8 = 1 << 11;

    /// <summary>MS-DOS directory attribute, in the low byte of the external attributes.</summary>
    public const uint MsDosDirectoryAttribute = 0x10;

    /// <summary>Unix file type bits (st_mode), placed in the high 16 bits of the external attributes.</summary>
    public const int UnixRegularFile = 0x8000;

    public const int UnixDirectory = 0x4000;

    public const int UnixSymbolicLink = 0xA000;

    /// <summary>Extended timestamp flags: bit 0, modification time present.</summary>
    public const byte ExtendedTimestampModificationTime = 1;

    /// <summary>Longest name a header's 16-bit name length holds.</summary>
    public const int MaxNameLength = ushort.MaxValue;
}
