using Formats.Streaming;

namespace Formats;

/// <summary>
/// What every writer's options have: the compression level and the entry name policy. Options are records: copy one
/// with a field changed with <c>with</c> (<c>options with { CompressionLevel = 9 }</c>), which keeps every other field.
/// </summary>
public abstract record ArchiveWriterOptions
{
    /// <summary>The compression level when none is given: 6, zlib's default.</summary>
    public const int DefaultCompressionLevel = 6;

    private protected ArchiveWriterOptions()
    {
    }

    /// <summary>
    /// Compression level on zlib's 0–9 scale: 1 fastest, 6 the default, 9 smallest (0: deflate's stored blocks).
    /// Zstandard maps it onto its own scale: 0–2 → 1, 3–4 → 2, 5–6 → 3 (zstd's default), 7 → 5, 8 → 9, 9 → 19.
    /// </summary>
    public int CompressionLevel
    {
        get;
        init => field = CompressionLevels.Check(value, nameof(CompressionLevel));
    }

    = CompressionLevels.Default;

    /// <summary>The entry name policy.</summary>
    public EntryNamePolicy NamePolicy { get; init; } = EntryNamePolicy.Default;

    /// <summary>The options as they enter a plan's ETag: what decides a byte.</summary>
    internal virtual string Describe() =>
        $"level={CompressionLevel} duplicates={NamePolicy.Duplicates} collisions={NamePolicy.AllowCollidingNames}";
}
