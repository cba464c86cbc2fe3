using System.Globalization;
using Formats.Streaming;

namespace Formats.Zip;

/// <summary>
/// One member's own encoding: a method and level other than the archive's (<see cref="ZipWriterOptions"/>), as Go's
/// <c>FileHeader.Method</c> or the Rust zip crate's per-file options allow; or content that is compressed already
/// (<see cref="Raw"/>, Go's <c>CreateRaw</c>). Given to <see cref="ZipArchiveWriter.AddEntryAsync(ArchiveEntry, EntrySource?, ZipEntryOptions, CancellationToken)"/>,
/// <see cref="ZipArchiveWriter.OpenEntryAsync(ArchiveEntry, ZipEntryOptions, CancellationToken)"/>, or an
/// <see cref="ArchiveItem.Options"/> of a <see cref="ZipArchivePlan"/>.
/// </summary>
public sealed class ZipEntryOptions : ArchiveEntryOptions
{
    /// <summary>This member's method; null: the archive's. Directories, links and empty files are stored whatever it says.</summary>
    public ZipCompressionMethod? Method { get; init; }

    /// <summary>This member's compression level (zlib's 0–9 scale, as <see cref="ArchiveWriterOptions.CompressionLevel"/>); null: the archive's.</summary>
    public int? CompressionLevel
    {
        get;
        init => field = value is { } level ? CompressionLevels.Check(level, nameof(CompressionLevel)) : null;
    }

    /// <summary>
    /// The member's content is compressed already: the source delivers <see cref="ZipRawContent.CompressedLength"/> bytes
    /// of <see cref="ZipRawContent.Method"/> data, written as they are. Excludes <see cref="Method"/> and <see cref="CompressionLevel"/>.
    /// </summary>
    public ZipRawContent? Raw { get; init; }

    internal override EncodedContent? Encoded => Raw is { } raw ? new EncodedContent(raw.CompressedLength, raw.Length, raw.Crc32) : null;

    internal override string Describe() => Raw is { } raw
        ? string.Create(CultureInfo.InvariantCulture, $"zip raw={raw.Method}/{raw.Crc32:X8}/{raw.CompressedLength}/{raw.Length}")
        : string.Create(CultureInfo.InvariantCulture, $"zip method={Method} level={CompressionLevel}");

    /// <summary>The method this member's content is encoded with, before auto decides (<paramref name="archive"/>'s unless given).</summary>
    internal static ZipCompressionMethod MethodOf(PreparedEntry entry, ZipWriterOptions archive) =>
        entry.Options is ZipEntryOptions { Raw: { } raw } ? raw.Method : (entry.Options as ZipEntryOptions)?.Method ?? archive.Method;

    /// <summary>The level this member is compressed at.</summary>
    internal static int LevelOf(PreparedEntry entry, ZipWriterOptions archive) =>
        (entry.Options as ZipEntryOptions)?.CompressionLevel ?? archive.CompressionLevel;

    /// <summary>The member's raw content, if it is compressed already.</summary>
    internal static ZipRawContent? RawOf(PreparedEntry entry) => (entry.Options as ZipEntryOptions)?.Raw;
}
