using Formats.Streaming;

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

/// <summary>Options of a <see cref="TarArchiveWriter"/>.</summary>
public sealed class TarWriterOptions
{
    /// <summary>Default options: no compression, duplicate names refused.</summary>
    public static TarWriterOptions Default { get; } = new();

    /// <summary>Compression of the whole archive.</summary>
    public TarCompression Compression { get; init; } = TarCompression.None;

    /// <summary>
    /// Compression level on zlib's 0–9 scale: 1 fastest, 6 the default, 9 smallest. Zstandard maps it as the zip writer
    /// does: 0–2 → 1, 3–4 → 2, 5–6 → 3, 7 → 5, 8 → 9, 9 → 19.
    /// </summary>
    public int CompressionLevel
    {
        get;
        init => field = CompressionLevels.Check(value, nameof(CompressionLevel));
    }

    = CompressionLevels.Default;

    /// <summary>The entry name policy.</summary>
    public EntryNamePolicy NamePolicy { get; init; } = EntryNamePolicy.Default;
}
