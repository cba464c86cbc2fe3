namespace Formats.Tar;

/// <summary>Compression of the whole tar stream.</summary>
public enum TarCompression
{
    /// <summary>A plain .tar.</summary>
    None,

    /// <summary>.tar.gz (RFC 1952), which every tar reads.</summary>
    Gzip,

    /// <summary>.tar.zst (Zstandard frame), read by GNU tar 1.31+ and bsdtar 3.3+.</summary>
    Zstandard,
}
